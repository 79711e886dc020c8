/**
 * A NATS connection that never makes its owner wait or fail: it connects in the background, retries
 * forever (first connection included), and tells when it is usable. Publishing and command handling
 * check `usable` instead of blocking on a server that is down. Credentials in the server URLs are passed
 * as connection options and scrubbed from everything it logs.
 */
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { EventsLog } from './events-log';
import { describeNatsServers, natsConnectOptions, natsSecrets, redactError, redactSecrets } from './nats-credentials';

export interface NatsLinkOptions {
  /** `NATS_URL`'s servers, credentials included (`nats://user:password@host:4222`). */
  servers: string[];
  /** Shown by the server (`nats-server` monitoring, `nats server report connections`). */
  name: string;
  /** Ms between reconnect attempts. */
  reconnectWaitMs?: number;
  /** Called on every (re)connection, before `usable` turns true (e.g. to ensure the stream exists). */
  onConnected?: (nc: NatsConnection) => Promise<void>;
  log?: EventsLog;
}

export class NatsLink {
  private nc: NatsConnection | undefined;
  private ready = false;
  private closing = false;
  private readonly waiters = new Set<() => void>();
  private readonly started: Promise<void>;
  /** The options' log, with the credentials of `servers` scrubbed from every line. */
  private readonly log: EventsLog;

  constructor(private readonly options: NatsLinkOptions) {
    const secrets = natsSecrets(options.servers);
    const log = options.log ?? (() => undefined);
    this.log = (level, message, error) => log(level, redactSecrets(message, secrets), error === undefined ? undefined : redactError(error, secrets));
    this.started = this.run();
  }

  /** The connection, when connected and set up. */
  get connection(): NatsConnection | undefined {
    return this.ready && !this.closing ? this.nc : undefined;
  }

  get usable(): boolean {
    return this.connection !== undefined;
  }

  /** Resolves when usable (or closed), or after `timeoutMs`. */
  whenUsable(timeoutMs: number): Promise<boolean> {
    if (this.usable || this.closing) return Promise.resolve(this.usable);
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve(this.usable);
      };
      const timer = setTimeout(done, timeoutMs);
      this.waiters.add(done);
    });
  }

  /** Flushes and closes; pending publishes that have not reached the server are dropped. */
  async close(): Promise<void> {
    this.closing = true;
    this.wake();
    const nc = this.nc;
    if (nc && !nc.isClosed()) await nc.close().catch(() => undefined);
    await this.started.catch(() => undefined);
  }

  private async run(): Promise<void> {
    const log = this.log;
    let nc: NatsConnection;
    try {
      nc = await connect({
        // The client ignores credentials in a URL: they go as options, the servers without them.
        ...natsConnectOptions(this.options.servers),
        name: this.options.name,
        waitOnFirstConnect: true,
        maxReconnectAttempts: -1,
        reconnectTimeWait: this.options.reconnectWaitMs ?? 1_000,
        // Detect a dead server in seconds, not minutes.
        pingInterval: 10_000,
        maxPingOut: 2,
      });
    } catch (error) {
      log('warn', `NATS: giving up connecting to ${describeNatsServers(this.options.servers)}: ${messageOf(error)}`);
      return;
    }
    if (this.closing) {
      await nc.close().catch(() => undefined);
      return;
    }
    this.nc = nc;
    await this.setUp(nc, `connected to ${nc.getServer()}`);
    for await (const status of nc.status()) {
      if (status.type === 'disconnect') {
        this.ready = false;
        if (!this.closing) log('warn', `NATS: disconnected from ${status.server}; events wait in memory until it is back`);
      } else if (status.type === 'reconnect') {
        await this.setUp(nc, `reconnected to ${status.server}`);
      }
    }
  }

  private async setUp(nc: NatsConnection, what: string): Promise<void> {
    const log = this.log;
    for (let attempt = 1; !this.closing && !nc.isClosed(); attempt++) {
      try {
        await this.options.onConnected?.(nc);
        this.ready = true;
        log('info', `NATS: ${what}`);
        this.wake();
        return;
      } catch (error) {
        // JetStream may answer a moment after the server accepts connections.
        if (attempt === 1 || attempt % 10 === 0) log('warn', `NATS: setting up after "${what}" failed (${messageOf(error)}); retrying`);
        await new Promise((r) => setTimeout(r, Math.min(2_000, 100 * attempt)));
      }
    }
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
