/**
 * One child process of the cluster (a Temporal server, a worker, an API node): started detached in its
 * own process group with its output appended to a log file, stopped with SIGTERM (SIGKILL after a
 * grace time), killed with SIGKILL by the fault suite, and started again with the same command.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';

/** What to run. */
export interface ProcessSpec {
  name: string;
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  logFile: string;
  /** Resolves once the process (`pid`) serves; rejects when it cannot; gives up when `signal` aborts. */
  ready: (probe: { signal: AbortSignal; pid: number }) => Promise<void>;
  /** How long `ready` may take. */
  readyTimeoutMs: number;
}

/** The process exited before it was ready, or was not ready in time; the message names it and points at its log. */
export class ProcessStartError extends Error {
  override name = 'ProcessStartError';
}

/** A started child process that can be stopped, killed and restarted. */
export class ManagedProcess {
  private child: ChildProcess | undefined;
  private log: WriteStream | undefined;
  private exited: Promise<void> = Promise.resolve();
  /** How many times it was started. */
  starts = 0;

  constructor(readonly spec: ProcessSpec) {}

  /** The process id while it runs. */
  get pid(): number | undefined {
    return this.child?.exitCode === null && this.child.signalCode === null ? this.child.pid : undefined;
  }

  /** Starts the process and waits until it is ready. */
  async start(): Promise<void> {
    if (this.pid !== undefined) return;
    this.log = createWriteStream(this.spec.logFile, { flags: 'a' });
    this.log.write(`\n--- ${new Date().toISOString()} starting ${this.spec.name}: ${this.spec.command} ${this.spec.args.join(' ')}\n`);
    const child = spawn(this.spec.command, this.spec.args, { cwd: this.spec.cwd, env: this.spec.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    this.child = child;
    this.starts += 1;
    const log = this.log;
    child.stdout?.pipe(log, { end: false });
    child.stderr?.pipe(log, { end: false });
    this.exited = once(child, 'exit').then(([code, signal]) => {
      log.write(`--- ${new Date().toISOString()} ${this.spec.name} exited (${signal === null ? `code ${String(code)}` : String(signal)})\n`);
    });
    const abort = new AbortController();
    const died = this.exited.then(() => {
      throw new ProcessStartError(`${this.spec.name} exited while starting; see ${this.spec.logFile}`);
    });
    const timeout = new Promise<never>((_, reject) => {
      const timer = setTimeout(() => reject(new ProcessStartError(`${this.spec.name} was not ready after ${this.spec.readyTimeoutMs / 1000}s; see ${this.spec.logFile}`)), this.spec.readyTimeoutMs);
      void this.exited.finally(() => clearTimeout(timer));
      abort.signal.addEventListener('abort', () => clearTimeout(timer));
    });
    try {
      await Promise.race([this.spec.ready({ signal: abort.signal, pid: child.pid ?? 0 }), died, timeout]);
    } catch (error) {
      abort.abort();
      await this.stop();
      throw error;
    } finally {
      abort.abort();
      died.catch(() => undefined);
      timeout.catch(() => undefined);
    }
  }

  /** SIGTERM to the process group, SIGKILL after `graceMs`; resolves once it exited. */
  async stop(graceMs = 10_000): Promise<void> {
    const pid = this.pid;
    if (pid === undefined) return this.exited;
    signalGroup(pid, 'SIGTERM');
    const timer = setTimeout(() => signalGroup(pid, 'SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  /** `kill -9` of the whole process group, as a crash would; resolves once it exited. */
  async kill9(): Promise<void> {
    const pid = this.pid;
    if (pid === undefined) return this.exited;
    signalGroup(pid, 'SIGKILL');
    await this.exited;
  }

  /** Synchronous SIGKILL, for a forced exit of the supervisor. */
  killNow(): void {
    const pid = this.pid;
    if (pid !== undefined) signalGroup(pid, 'SIGKILL');
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}
