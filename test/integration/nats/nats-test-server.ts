/**
 * A real nats-server with JetStream for one test file: its own free port and store directory, so a
 * test can stop it (an outage) and start it again on the same port with the same data.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findFreePort, isListening } from '../../../src/temporal/find-free-port';

/** The Debian package's binary, or NATS_SERVER_BIN. CI installs the package (`.ci/run`). */
export const NATS_SERVER_BIN = process.env.NATS_SERVER_BIN ?? (existsSync('/usr/sbin/nats-server') ? '/usr/sbin/nats-server' : 'nats-server');

export class NatsTestServer {
  private child: ChildProcess | undefined;
  private output: string[] = [];

  private constructor(
    readonly port: number,
    readonly storeDir: string,
    private readonly extraArgs: readonly string[],
  ) {}

  /** Starts a server; `extraArgs` go to nats-server as they are (`['--user', 'u', '--pass', 'p']`). */
  static async start(extraArgs: readonly string[] = []): Promise<NatsTestServer> {
    const storeDir = await mkdtemp(join(tmpdir(), 'cadenza-nats-'));
    const server = new NatsTestServer(await findFreePort(), storeDir, extraArgs);
    await server.resume();
    return server;
  }

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null;
  }

  /** Starts the server (again) on the same port and store directory; resolves once it accepts connections. */
  async resume(): Promise<void> {
    if (this.running) return;
    this.output = [];
    const child = spawn(NATS_SERVER_BIN, ['-a', '127.0.0.1', '-p', String(this.port), '-js', '-sd', this.storeDir, ...this.extraArgs], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    const keep = (chunk: Buffer): void => {
      this.output.push(chunk.toString());
      if (this.output.length > 200) this.output.shift();
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    const deadline = Date.now() + 15_000;
    while (!(await isListening(this.port, '127.0.0.1'))) {
      if (child.exitCode !== null || Date.now() > deadline) {
        throw new Error(`nats-server did not start on ${this.port}: ${this.output.join('').slice(-2000)}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    // JetStream is ready a moment after the port opens.
    while (!this.output.join('').includes('Server is ready')) {
      if (Date.now() > deadline) throw new Error(`nats-server never said it was ready: ${this.output.join('').slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Stops the server (SIGTERM, then SIGKILL after 5 s); its data stays for `resume()`. */
  async stop(): Promise<void> {
    const child = this.child;
    if (child === undefined || child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  }

  /** Stops the server and removes its store. */
  async dispose(): Promise<void> {
    await this.stop();
    await rm(this.storeDir, { recursive: true, force: true });
  }
}
