/**
 * Runs `temporal server start-dev` as a child process with the settings Cadenza needs (search
 * attributes, dynamic config), waits until it really serves, and stops it on request.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { cadenzaSearchAttributes } from '../workflows/search-attributes';
import { devServerFlags, type DynamicConfigValues, type SearchAttributeSpec } from './dev-server-flags';
import { executableProblem, findOnPath } from './executable';
import { isListening, isPortFree } from './find-free-port';
import { probeTemporal } from './temporal-probe';

export interface DevServerOptions {
  /** The `temporal` binary; when absent the Temporal SDK downloads its dev server (needs the internet). */
  cliPath?: string;
  /** Frontend gRPC port. */
  port: number;
  /** Web UI port. */
  uiPort: number;
  /** SQLite file to keep executions across restarts; in memory when absent. */
  dbFile?: string;
  /** Address to bind; loopback by default (docs/design.md §7, security). */
  ip?: string;
  namespace?: string;
  searchAttributes?: ReadonlyArray<SearchAttributeSpec>;
  /** Dynamic config values besides Cadenza's (e.g. `history.maximumSignalsPerExecution` lowered for a test). */
  dynamicConfig?: DynamicConfigValues;
  /** Where the server's own output goes; otherwise only its last lines are kept (for error messages). */
  logFile?: string;
  /** How long to wait for the server to serve. */
  readyTimeoutMs?: number;
  /** How long `stop()` waits after SIGTERM before SIGKILL. */
  stopTimeoutMs?: number;
}

/** A running dev server. */
export interface DevServer {
  /** gRPC `host:port` for clients and workers. */
  address: string;
  uiUrl: string;
  /** Process id of the server (undefined for the SDK-managed server). */
  pid: number | undefined;
  /** SIGTERM, wait, then SIGKILL; resolves once the process is gone. Safe to call twice. */
  stop(): Promise<void>;
  /** Last resort on a forced exit: SIGKILL now, synchronously. */
  kill(): void;
}

/** A dev server problem; the message is one line. */
export class DevServerError extends Error {
  override name = 'DevServerError';
}

const LOG_TAIL_LINES = 30;

/** Starts the dev server and resolves once it serves `namespace` with the search attributes registered. */
export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  const ip = options.ip ?? '127.0.0.1';
  const namespace = options.namespace ?? 'default';
  const searchAttributes = options.searchAttributes ?? cadenzaSearchAttributes;
  const address = `${ip}:${options.port}`;
  const uiUrl = `http://${ip}:${options.uiPort}`;

  await assertPortFree(ip, options.port, 'gRPC', address);
  await assertPortFree(ip, options.uiPort, 'Web UI', address);

  if (options.cliPath === undefined) return startSdkDevServer(options, { ip, namespace, searchAttributes, address, uiUrl });

  const args = [
    'server',
    'start-dev',
    '--ip',
    ip,
    '--port',
    String(options.port),
    '--ui-port',
    String(options.uiPort),
    '--namespace',
    namespace,
    '--log-level',
    'warn',
    ...(options.dbFile ? ['--db-filename', options.dbFile] : []),
    ...devServerFlags(searchAttributes, options.dynamicConfig),
  ];
  const problem = await executableProblem(options.cliPath);
  if (problem) throw new DevServerError(`cannot run the temporal CLI: ${options.cliPath} ${problem}`);
  const [command, ...commandArgs] = [...(await parentDeathGuard()), options.cliPath, ...args] as [string, ...string[]];
  // Own process group: a Ctrl-C in the terminal must not reach the server directly, because it has to
  // outlive the worker's drain and be stopped last.
  const child = spawn(command, commandArgs, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const log = new ServerLog(child, options.logFile);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let exitInfo: string | undefined;
  child.once('exit', (code, signal) => (exitInfo = signal ? `signal ${signal}` : `code ${String(code)}`));
  let spawnError: Error | undefined;
  child.once('error', (error) => (spawnError = error));
  // Never leave the server behind when this process exits without stopping it.
  const killOnExit = (): void => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);

  const stopTimeoutMs = options.stopTimeoutMs ?? 15_000;
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        if ((await raceTimeout(exited, stopTimeoutMs)) === 'timeout') {
          child.kill('SIGKILL');
          await exited;
        }
      }
      process.removeListener('exit', killOnExit);
      await log.close();
    })());

  const readyTimeoutMs = options.readyTimeoutMs ?? 60_000;
  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (spawnError) {
      await stop();
      throw new DevServerError(`cannot run ${options.cliPath}: ${spawnError.message}`);
    }
    if (exitInfo !== undefined) {
      await stop();
      throw new DevServerError(`temporal dev server exited (${exitInfo}) before it was ready${log.tailSuffix()}`);
    }
    // Cheap TCP check first: a gRPC call to a port nobody listens on waits for its whole deadline.
    const probe = (await isListening(options.port, ip))
      ? await probeTemporal(address, { namespace, searchAttributes, timeoutMs: 2_000 })
      : { problem: 'frontend not listening yet' };
    if (probe.problem === undefined) break;
    if (Date.now() > deadline) {
      await stop();
      throw new DevServerError(`temporal dev server on ${address} not ready after ${Math.round(readyTimeoutMs / 1000)}s (${probe.problem})${log.tailSuffix()}`);
    }
    await sleep(200);
  }
  return { address, uiUrl, pid: child.pid, stop, kill: killOnExit };
}

/**
 * On Linux, `setpriv --pdeathsig` makes the kernel stop the server when this process dies, even by
 * SIGKILL (which skips every exit handler; tsx's CLI sends one when a Ctrl-C is not acknowledged
 * within 60 ms). setpriv then execs the CLI, so the child's pid is the server's.
 */
async function parentDeathGuard(): Promise<string[]> {
  if (process.platform !== 'linux') return [];
  const setpriv = await findOnPath('setpriv', `${process.env.PATH ?? ''}:/usr/bin:/bin`);
  return setpriv ? [setpriv, '--pdeathsig', 'SIGTERM', '--'] : [];
}

/** Fails with one line naming the port, and says so when a reachable Temporal already holds it. */
async function assertPortFree(ip: string, port: number, what: string, grpcAddress: string): Promise<void> {
  if (await isPortFree(port, ip)) return;
  const existing = await probeTemporal(`${ip}:${port}`, { timeoutMs: 1_500 });
  if (existing.reachable) {
    const version = existing.serverVersion ? ` (server ${existing.serverVersion})` : '';
    throw new DevServerError(`port ${port} on ${ip} is already in use by a running Temporal server${version}: stop it, or point Cadenza at it with TEMPORAL_ADDRESS=${ip}:${port}`);
  }
  throw new DevServerError(`port ${port} on ${ip} (Temporal ${what}${what === 'gRPC' ? '' : ` for ${grpcAddress}`}) is already in use`);
}

async function startSdkDevServer(
  options: DevServerOptions,
  resolved: { ip: string; namespace: string; searchAttributes: ReadonlyArray<SearchAttributeSpec>; address: string; uiUrl: string },
): Promise<DevServer> {
  let env: TestWorkflowEnvironment;
  try {
    // Loaded only on this rare route: the testing package pulls in a lot.
    const { TestWorkflowEnvironment } = await import('@temporalio/testing');
    env = await TestWorkflowEnvironment.createLocal({
      server: {
        ip: resolved.ip,
        port: options.port,
        ui: true,
        uiPort: options.uiPort,
        namespace: resolved.namespace,
        ...(options.dbFile ? { dbFilename: options.dbFile } : {}),
        log: { format: 'pretty', level: 'warn' },
        extraArgs: devServerFlags(resolved.searchAttributes, options.dynamicConfig),
      },
    });
  } catch (error) {
    throw new DevServerError(`the Temporal SDK could not download or start its dev server: ${error instanceof Error ? error.message : String(error)}`);
  }
  let stopping: Promise<void> | undefined;
  return {
    address: resolved.address,
    uiUrl: resolved.uiUrl,
    pid: undefined,
    stop: () => (stopping ??= env.teardown()),
    kill: () => undefined,
  };
}

/** Waits for `promise` at most `ms`; the timer never keeps the process alive after the promise settles. */
async function raceTimeout(promise: Promise<void>, ms: number): Promise<'done' | 'timeout'> {
  const timer = new AbortController();
  try {
    return await Promise.race([promise.then(() => 'done' as const), sleep(ms, 'timeout' as const, { signal: timer.signal })]);
  } finally {
    timer.abort();
  }
}

/** Server output: written to a file when asked, and the last lines kept for error messages. */
class ServerLog {
  private readonly lines: string[] = [];
  private readonly file: WriteStream | undefined;
  private readonly drained: Promise<void>;

  constructor(child: ChildProcess, logFile: string | undefined) {
    this.file = logFile ? createWriteStream(logFile, { flags: 'a' }) : undefined;
    const streams = [child.stdout, child.stderr].filter((s) => s !== null);
    this.drained = Promise.all(
      streams.map(
        (stream) =>
          new Promise<void>((resolve) => {
            const reader = createInterface({ input: stream });
            reader.on('line', (line) => this.add(line));
            reader.once('close', () => resolve());
          }),
      ),
    ).then(() => undefined);
  }

  tailSuffix(): string {
    const tail = this.lines.slice(-8).join(' | ');
    return tail ? `; server log tail: ${tail}` : '';
  }

  async close(): Promise<void> {
    await raceTimeout(this.drained, 1_000);
    const file = this.file;
    if (file) await new Promise<void>((resolve) => file.end(() => resolve()));
  }

  private add(line: string): void {
    this.lines.push(line);
    if (this.lines.length > LOG_TAIL_LINES) this.lines.shift();
    this.file?.write(`${line}\n`);
  }
}
