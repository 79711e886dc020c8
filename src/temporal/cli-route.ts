/**
 * How the `temporal` CLI (dev server + Web UI) was obtained. docs/design.md §7 lists them in the order tried.
 */

/** The Temporal CLI release Cadenza builds and caches. */
export const TEMPORAL_CLI_VERSION = 'v1.5.1';

/** Go package that `go install` builds. */
export const TEMPORAL_CLI_PACKAGE = 'github.com/temporalio/cli/cmd/temporal';

export const TemporalCliRoute = {
  /** `TEMPORAL_CLI_PATH` names the binary. */
  Env: 'env',
  /** `temporal` found on `PATH`. */
  Path: 'path',
  /** A build made earlier, in the cache directory. */
  Cache: 'cache',
  /** `go install` with the installed Go. */
  GoInstall: 'go-install',
  /** `go install -ldflags=-checklinkname=0`: newer Go refuses some `//go:linkname` pulls in the server's deps. */
  GoInstallNoLinkCheck: 'go-install-checklinkname',
  /** `go install` with `GOTOOLCHAIN` pinned to the module's own `go` line (fetched from the Go module proxy). */
  GoInstallToolchain: 'go-install-toolchain',
  /** No binary: the caller lets the Temporal SDK download its dev server (needs the internet). */
  SdkDownload: 'sdk-download',
} as const;
export type TemporalCliRoute = (typeof TemporalCliRoute)[keyof typeof TemporalCliRoute];

/** The routes that compile the CLI from source. */
export type TemporalCliBuildRoute =
  | typeof TemporalCliRoute.GoInstall
  | typeof TemporalCliRoute.GoInstallNoLinkCheck
  | typeof TemporalCliRoute.GoInstallToolchain;

/** One build route that was tried. */
export interface BuildAttempt {
  route: TemporalCliBuildRoute;
  ok: boolean;
  seconds: number;
  /** Extra settings of the route, e.g. `GOTOOLCHAIN=go1.25.0`. */
  detail?: string;
  /** Last lines of the build output when it failed. */
  error?: string;
}

/** What is recorded in `build.json` next to a built binary. */
export interface TemporalCliBuildRecord {
  version: string;
  route: TemporalCliBuildRoute;
  seconds: number;
  go: string;
  built_at: string;
  attempts: BuildAttempt[];
}
