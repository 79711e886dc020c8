/**
 * Finds, or builds once and caches, the `temporal` CLI that runs the embedded dev server (docs/design.md §7):
 * `TEMPORAL_CLI_PATH`, then `temporal` on `PATH`, then the cache, then a `go install` build,
 * and as a last resort the Temporal SDK's own download.
 */
import { mkdir } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { buildTemporalCli, readBuildRecord } from './cli-build';
import { type BuildAttempt, TEMPORAL_CLI_VERSION, type TemporalCliBuildRecord, TemporalCliRoute } from './cli-route';
import { executableProblem, findOnPath } from './executable';
import { withFileLock } from './file-lock';

/** A CLI binary to run, or the instruction to let the SDK download one. */
export type ProvisionedTemporalCli =
  | {
      route: Exclude<TemporalCliRoute, typeof TemporalCliRoute.SdkDownload>;
      path: string;
      /** How a cached or freshly built binary was built, when recorded. */
      build?: TemporalCliBuildRecord;
    }
  | {
      route: typeof TemporalCliRoute.SdkDownload;
      path?: undefined;
      /** The build routes that failed (empty when no Go toolchain was found). */
      attempts: BuildAttempt[];
    };

export interface ProvisionOptions {
  /** Progress lines (build output, waiting for another build); they can take minutes. */
  onProgress?: (line: string) => void;
  /** Environment to read `TEMPORAL_CLI_PATH`, `PATH`, `XDG_CACHE_HOME` and `HOME` from. */
  env?: NodeJS.ProcessEnv;
  /** Stops a running build. */
  signal?: AbortSignal;
}

/** A provisioning problem the user must fix; the message is one line. */
export class ProvisionError extends Error {
  override name = 'ProvisionError';
}

/** `${XDG_CACHE_HOME:-~/.cache}/cadenza/temporal-v1.5.1`: outside the repository, shared by checkouts. */
export function temporalCliCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const cacheHome = env.XDG_CACHE_HOME && env.XDG_CACHE_HOME !== '' ? env.XDG_CACHE_HOME : join(env.HOME ?? homedir(), '.cache');
  return join(cacheHome, 'cadenza', `temporal-${TEMPORAL_CLI_VERSION}`);
}

/** Returns a usable `temporal` binary, building it if needed. */
export async function ensureTemporalCli(options: ProvisionOptions = {}): Promise<ProvisionedTemporalCli> {
  const env = options.env ?? process.env;
  const onProgress = options.onProgress ?? (() => undefined);

  const explicit = env.TEMPORAL_CLI_PATH;
  if (explicit !== undefined && explicit !== '') {
    const problem = await executableProblem(explicit);
    if (problem) throw new ProvisionError(`TEMPORAL_CLI_PATH=${explicit} ${problem}`);
    return { route: TemporalCliRoute.Env, path: explicit };
  }

  const onPath = await findOnPath('temporal', env.PATH);
  if (onPath) return { route: TemporalCliRoute.Path, path: onPath };

  const cacheDir = temporalCliCacheDir(env);
  const cached = await fromCache(cacheDir);
  if (cached) return cached;

  const goPath = (await findOnPath('go', env.PATH)) ?? (await findOnPath('go', '/usr/local/go/bin'));
  if (!goPath) {
    onProgress('no temporal CLI and no Go toolchain found: falling back to the Temporal SDK download');
    return { route: TemporalCliRoute.SdkDownload, attempts: [] };
  }

  await mkdir(cacheDir, { recursive: true });
  return withFileLock(
    join(cacheDir, '.build.lock'),
    async () => {
      // Another process may have finished the build while we waited for the lock.
      const built = await fromCache(cacheDir);
      if (built) return built;
      const outcome = await buildTemporalCli({ goPath, cacheDir, onProgress, env, ...(options.signal ? { signal: options.signal } : {}) });
      if (outcome.path !== undefined) return { route: outcome.record.route, path: outcome.path, build: outcome.record };
      onProgress(`every build route failed (${outcome.attempts.map((a) => a.route).join(', ')}): falling back to the Temporal SDK download`);
      return { route: TemporalCliRoute.SdkDownload, attempts: outcome.attempts };
    },
    {
      onWait: (waitedMs) => onProgress(`waiting for another process building the temporal CLI: ${Math.round(waitedMs / 1000)}s`),
      onCompromised: (error) => onProgress(`lost the build lock (${error.message}): another process may build the temporal CLI too`),
      ...(options.signal ? { signal: options.signal } : {}),
    },
  );
}

async function fromCache(cacheDir: string): Promise<ProvisionedTemporalCli | undefined> {
  const path = join(cacheDir, 'temporal');
  if ((await executableProblem(path)) !== null) return undefined;
  const build = await readBuildRecord(cacheDir);
  return { route: TemporalCliRoute.Cache, path, ...(build ? { build } : {}) };
}
