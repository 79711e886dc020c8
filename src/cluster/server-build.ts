/**
 * Builds the Temporal server (`cmd/server`) and its SQL schema tool (`cmd/tools/sql`) once from the Go
 * module proxy into a cache outside the repository (`${XDG_CACHE_HOME:-~/.cache}/cadenza/temporal-server-<v>`),
 * like the CLI (`src/temporal/cli-build.ts`): progress shown, the route and time recorded in `build.json`.
 *
 * A temporary module requires `go.temporal.io/server@<v>` and `go build`s both commands: the server's
 * own go.mod has `replace`-free requirements, so module mode builds exactly its pinned dependencies.
 * v1.32.x needs Go ≥ 1.26.10: the route with the installed Go is tried first, then `GOTOOLCHAIN=go1.27.3`
 * (the go command fetches that toolchain from the Go module proxy).
 */
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { executableProblem, findOnPath } from '../temporal/executable';
import { withFileLock } from '../temporal/file-lock';
import { elapsedSeconds, isFile, removeLeftoverBuildDirs, runGo, type GoCommandOptions } from '../temporal/go-build';

/** The Temporal server release the cluster runs (docker-compose.yml names the same). */
export const TEMPORAL_SERVER_VERSION = 'v1.32.2';

/** Go module of the server. */
const TEMPORAL_SERVER_MODULE = 'go.temporal.io/server';

/** The toolchain v1.32.x builds with when the installed Go is too old (it needs ≥ 1.26.10). */
export const TEMPORAL_SERVER_TOOLCHAIN = 'go1.27.3';

/** Names of the two binaries in the cache directory. */
export const SERVER_BINARY = 'temporal-server';
export const SQL_TOOL_BINARY = 'temporal-sql-tool';

const BUILD_RECORD_FILE = 'build.json';
const HEARTBEAT_MS = 15_000;

/** How the server build was done: the installed Go, or a pinned `GOTOOLCHAIN`. */
export type ServerBuildRoute = 'go-build' | 'go-build-toolchain';

/** One build route that was tried. */
export interface ServerBuildAttempt {
  route: ServerBuildRoute;
  ok: boolean;
  seconds: number;
  detail?: string;
  error?: string;
}

/** `build.json` next to the binaries. */
export interface ServerBuildRecord {
  version: string;
  route: ServerBuildRoute;
  seconds: number;
  /** The installed Go (`go env GOVERSION`). */
  go: string;
  /** The toolchain that compiled (GOTOOLCHAIN of the route, or the installed Go). */
  toolchain: string;
  built_at: string;
  attempts: ServerBuildAttempt[];
}

/** The two binaries and how they were built. */
export interface TemporalServerBinaries {
  server: string;
  sqlTool: string;
  cacheDir: string;
  /** `cache` when an earlier build was reused. */
  source: 'cache' | 'built';
  build?: ServerBuildRecord;
}

/** Options of `ensureTemporalServer`. */
export interface ServerBuildOptions {
  onProgress?: (line: string) => void;
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
}

/** No Go toolchain, or every build route failed; the message is one line. */
export class ServerBuildError extends Error {
  override name = 'ServerBuildError';
}

/** `${XDG_CACHE_HOME:-~/.cache}/cadenza/temporal-server-v1.32.2`. */
export function temporalServerCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const cacheHome = env.XDG_CACHE_HOME && env.XDG_CACHE_HOME !== '' ? env.XDG_CACHE_HOME : join(env.HOME ?? homedir(), '.cache');
  return join(cacheHome, 'cadenza', `temporal-server-${TEMPORAL_SERVER_VERSION}`);
}

/** Returns the cached binaries, building them first (under a cross-process lock) when missing. */
export async function ensureTemporalServer(options: ServerBuildOptions = {}): Promise<TemporalServerBinaries> {
  const env = options.env ?? process.env;
  const onProgress = options.onProgress ?? (() => undefined);
  const cacheDir = temporalServerCacheDir(env);
  const cached = await fromCache(cacheDir);
  if (cached) return cached;
  const goPath = (await findOnPath('go', env.PATH)) ?? (await findOnPath('go', '/usr/local/go/bin'));
  if (!goPath) throw new ServerBuildError('no Temporal server in the cache and no Go toolchain found (install Go, or put it on PATH)');
  await mkdir(cacheDir, { recursive: true });
  return withFileLock(
    join(cacheDir, '.build.lock'),
    async () => {
      const built = await fromCache(cacheDir);
      if (built) return built;
      return build({ goPath, cwd: cacheDir, env, ...(options.signal ? { signal: options.signal } : {}) }, onProgress);
    },
    {
      onWait: (waitedMs) => onProgress(`waiting for another process building the Temporal server: ${Math.round(waitedMs / 1000)}s`),
      ...(options.signal ? { signal: options.signal } : {}),
    },
  );
}

async function build(go: GoCommandOptions, onProgress: (line: string) => void): Promise<TemporalServerBinaries> {
  const cacheDir = go.cwd;
  await removeLeftoverBuildDirs(cacheDir);
  const goVersion = (await runGo(go, ['env', 'GOVERSION'], { GOTOOLCHAIN: 'local' }, () => undefined)).output.trim() || 'unknown';
  const routes: Array<{ route: ServerBuildRoute; env: NodeJS.ProcessEnv; toolchain: string }> = [
    { route: 'go-build', env: { GOTOOLCHAIN: 'local' }, toolchain: goVersion },
    { route: 'go-build-toolchain', env: { GOTOOLCHAIN: TEMPORAL_SERVER_TOOLCHAIN }, toolchain: TEMPORAL_SERVER_TOOLCHAIN },
  ];
  const attempts: ServerBuildAttempt[] = [];
  for (const spec of routes) {
    const label = spec.route === 'go-build' ? `${spec.route} (${goVersion})` : `${spec.route} (GOTOOLCHAIN=${spec.toolchain})`;
    onProgress(`building Temporal server ${TEMPORAL_SERVER_VERSION} and temporal-sql-tool, route ${label}; the first build takes many minutes`);
    const started = Date.now();
    const buildDir = await mkdtemp(join(cacheDir, '.build-'));
    const inBuildDir: GoCommandOptions = { ...go, cwd: buildDir };
    const heartbeat = setInterval(() => onProgress(`still building (${label}): ${elapsedSeconds(started)}s elapsed`), HEARTBEAT_MS);
    try {
      const error = await compile(inBuildDir, { ...spec.env, CGO_ENABLED: '0' }, (line) => onProgress(`[go ${elapsedSeconds(started)}s] ${line}`));
      const seconds = Number(((Date.now() - started) / 1000).toFixed(1));
      const detail = spec.route === 'go-build' ? undefined : `GOTOOLCHAIN=${spec.toolchain}`;
      if (error === undefined) {
        attempts.push({ route: spec.route, ok: true, seconds, ...(detail ? { detail } : {}) });
        await rename(join(buildDir, 'out', 'server'), join(cacheDir, SERVER_BINARY));
        await rename(join(buildDir, 'out', 'sql'), join(cacheDir, SQL_TOOL_BINARY));
        const record: ServerBuildRecord = {
          version: TEMPORAL_SERVER_VERSION,
          route: spec.route,
          seconds,
          go: goVersion,
          toolchain: spec.toolchain,
          built_at: new Date().toISOString(),
          attempts,
        };
        await writeFile(join(cacheDir, BUILD_RECORD_FILE), `${JSON.stringify(record, null, 2)}\n`);
        onProgress(`built Temporal server ${TEMPORAL_SERVER_VERSION} via ${label} in ${seconds}s`);
        return { server: join(cacheDir, SERVER_BINARY), sqlTool: join(cacheDir, SQL_TOOL_BINARY), cacheDir, source: 'built', build: record };
      }
      attempts.push({ route: spec.route, ok: false, seconds, error, ...(detail ? { detail } : {}) });
      onProgress(`route ${label} failed after ${seconds}s: ${error}`);
    } finally {
      clearInterval(heartbeat);
      await rm(buildDir, { recursive: true, force: true });
    }
  }
  throw new ServerBuildError(`every build route of the Temporal server failed: ${attempts.map((a) => `${a.route}: ${a.error ?? '?'}`).join('; ')}`);
}

/** `go get` both commands into a fresh module, then `go build` them into `out/`; the error text, or undefined. */
async function compile(go: GoCommandOptions, env: NodeJS.ProcessEnv, onLine: (line: string) => void): Promise<string | undefined> {
  await writeFile(join(go.cwd, 'go.mod'), 'module cadenza.local/temporal-server-build\n\ngo 1.26\n');
  const packages = ['cmd/server', 'cmd/tools/sql'].map((p) => `${TEMPORAL_SERVER_MODULE}/${p}`);
  const steps = [
    ['get', ...packages.map((p) => `${p}@${TEMPORAL_SERVER_VERSION}`)],
    ['build', '-trimpath', '-o', 'out/', ...packages],
  ];
  for (const args of steps) {
    const result = await runGo(go, args, env, onLine);
    if (result.code !== 0) return result.tail.slice(-5).join(' | ') || `go ${args[0] ?? ''} exited with code ${String(result.code)}`;
  }
  return (await isFile(join(go.cwd, 'out', 'server'))) && (await isFile(join(go.cwd, 'out', 'sql'))) ? undefined : 'go build produced no binaries';
}

async function fromCache(cacheDir: string): Promise<TemporalServerBinaries | undefined> {
  const server = join(cacheDir, SERVER_BINARY);
  const sqlTool = join(cacheDir, SQL_TOOL_BINARY);
  if ((await executableProblem(server)) !== null || (await executableProblem(sqlTool)) !== null) return undefined;
  const build = await readFile(join(cacheDir, BUILD_RECORD_FILE), 'utf8').then(
    (text) => JSON.parse(text) as ServerBuildRecord,
    () => undefined,
  );
  return { server, sqlTool, cacheDir, source: 'cache', ...(build ? { build } : {}) };
}
