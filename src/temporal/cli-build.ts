/**
 * Builds the Temporal CLI from source with `go install`, trying the routes of docs/design.md §7 in order.
 * Each route builds into a fresh temporary directory next to the cache and the binary is renamed into
 * place only once complete, so an interrupted build never leaves a half-written `temporal` behind.
 */
import { mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type BuildAttempt,
  TEMPORAL_CLI_PACKAGE,
  TEMPORAL_CLI_VERSION,
  type TemporalCliBuildRecord,
  type TemporalCliBuildRoute,
  TemporalCliRoute,
} from './cli-route';
import { elapsedSeconds, type GoResult, isFile, removeLeftoverBuildDirs, runGo as runGoCommand } from './go-build';

/** File next to the binary recording how it was built. */
export const BUILD_RECORD_FILE = 'build.json';

/** Toolchain used when the module's own `go` line cannot be read. */
const FALLBACK_TOOLCHAIN = 'go1.24.0';
const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli';
const HEARTBEAT_MS = 15_000;

export interface CliBuildOptions {
  goPath: string;
  /** Final directory of the binary (`<cacheDir>/temporal`). */
  cacheDir: string;
  onProgress: (line: string) => void;
  env: NodeJS.ProcessEnv;
  signal?: AbortSignal;
}

export type CliBuildOutcome =
  | { path: string; record: TemporalCliBuildRecord }
  | { path?: undefined; attempts: BuildAttempt[] };

interface RouteSpec {
  route: TemporalCliBuildRoute;
  args: string[];
  env: NodeJS.ProcessEnv;
  detail?: string;
}

/** Tries each build route until one produces a binary; never throws for a failed build. */
export async function buildTemporalCli(options: CliBuildOptions): Promise<CliBuildOutcome> {
  const { cacheDir, onProgress } = options;
  await removeLeftoverBuildDirs(cacheDir);
  const goVersion = (await runGo(options, ['env', 'GOVERSION'], {}, () => undefined)).output.trim() || 'unknown';
  const target = `${TEMPORAL_CLI_PACKAGE}@${TEMPORAL_CLI_VERSION}`;
  const attempts: BuildAttempt[] = [];

  const routes: Array<() => Promise<RouteSpec>> = [
    () => Promise.resolve({ route: TemporalCliRoute.GoInstall, args: ['install', target], env: {} }),
    () =>
      Promise.resolve({
        route: TemporalCliRoute.GoInstallNoLinkCheck,
        args: ['install', '-ldflags=-checklinkname=0', target],
        env: {},
        detail: '-ldflags=-checklinkname=0',
      }),
    async () => {
      const toolchain = await moduleToolchain(options);
      return { route: TemporalCliRoute.GoInstallToolchain, args: ['install', target], env: { GOTOOLCHAIN: toolchain }, detail: `GOTOOLCHAIN=${toolchain}` };
    },
  ];

  for (const makeRoute of routes) {
    const spec = await makeRoute();
    const label = spec.detail ? `${spec.route} (${spec.detail})` : spec.route;
    onProgress(`building temporal CLI ${TEMPORAL_CLI_VERSION} with ${goVersion}, route ${label}; this takes a few minutes the first time`);
    const started = Date.now();
    const buildDir = await mkdtemp(join(cacheDir, '.build-'));
    try {
      const heartbeat = setInterval(() => onProgress(`still building (${label}): ${elapsedSeconds(started)}s elapsed`), HEARTBEAT_MS);
      let result: GoResult;
      try {
        result = await runGo(options, spec.args, { ...spec.env, CGO_ENABLED: '0', GOBIN: buildDir }, (line) =>
          onProgress(`[go ${elapsedSeconds(started)}s] ${line}`),
        );
      } finally {
        clearInterval(heartbeat);
      }
      const seconds = Number(((Date.now() - started) / 1000).toFixed(1));
      const built = join(buildDir, 'temporal');
      if (result.code === 0 && (await isFile(built))) {
        const attempt: BuildAttempt = { route: spec.route, ok: true, seconds, ...(spec.detail ? { detail: spec.detail } : {}) };
        attempts.push(attempt);
        const finalPath = join(cacheDir, 'temporal');
        await rename(built, finalPath);
        const record: TemporalCliBuildRecord = {
          version: TEMPORAL_CLI_VERSION,
          route: spec.route,
          seconds,
          go: goVersion,
          built_at: new Date().toISOString(),
          attempts,
        };
        await writeFile(join(cacheDir, BUILD_RECORD_FILE), `${JSON.stringify(record, null, 2)}\n`);
        onProgress(`built temporal CLI via ${label} in ${seconds}s`);
        return { path: finalPath, record };
      }
      const error = result.tail.slice(-5).join(' | ') || `go exited with code ${String(result.code)}`;
      attempts.push({ route: spec.route, ok: false, seconds, error, ...(spec.detail ? { detail: spec.detail } : {}) });
      onProgress(`route ${label} failed after ${seconds}s: ${error}`);
    } finally {
      await rm(buildDir, { recursive: true, force: true });
    }
  }
  return { attempts };
}

/** Reads the previous build record, if any. */
export async function readBuildRecord(cacheDir: string): Promise<TemporalCliBuildRecord | undefined> {
  try {
    return JSON.parse(await readFile(join(cacheDir, BUILD_RECORD_FILE), 'utf8')) as TemporalCliBuildRecord;
  } catch {
    return undefined;
  }
}

/** The toolchain named by the CLI module's `toolchain` (or `go`) line, best effort. */
async function moduleToolchain(options: CliBuildOptions): Promise<string> {
  try {
    const result = await runGo(options, ['mod', 'download', '-json', `${TEMPORAL_CLI_MODULE}@${TEMPORAL_CLI_VERSION}`], {}, () => undefined);
    const info = JSON.parse(result.output) as { GoMod?: string };
    if (result.code !== 0 || !info.GoMod) return FALLBACK_TOOLCHAIN;
    const goMod = await readFile(info.GoMod, 'utf8');
    const toolchain = /^toolchain\s+(go\d+\.\d+(?:\.\d+)?)\s*$/m.exec(goMod)?.[1];
    if (toolchain) return toolchain;
    const go = /^go\s+(\d+\.\d+(?:\.\d+)?)\s*$/m.exec(goMod)?.[1];
    if (!go) return FALLBACK_TOOLCHAIN;
    // Since Go 1.21 a bare "1.N" names a language version, not a release: the first release is 1.N.0.
    return go.split('.').length === 2 ? `go${go}.0` : `go${go}`;
  } catch {
    return FALLBACK_TOOLCHAIN;
  }
}

function runGo(options: CliBuildOptions, args: string[], extraEnv: NodeJS.ProcessEnv, onLine: (line: string) => void): Promise<GoResult> {
  return runGoCommand({ goPath: options.goPath, cwd: options.cacheDir, env: options.env, ...(options.signal ? { signal: options.signal } : {}) }, args, extraEnv, onLine);
}
