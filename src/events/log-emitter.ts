/**
 * `LogEmitted` on NATS (docs/design.md §8): component logs tied to an execution, published on
 * `<p>.events.log.<component>` with plain core publishes (the events stream keeps them; nothing
 * waits for an acknowledgement). Best effort by design: while NATS is away, lines are dropped and
 * counted, and nothing of it reaches the journal.
 */
import { randomUUID } from 'node:crypto';
import type { ExecutionLogEntry, ExecutionLogger } from '../activities/agents/execution-log';
import type { NatsLink } from './nats-link';

/** The subject of a component's log lines. */
export function logSubject(prefix: string, component: string): string {
  return `${prefix}.events.log.${component}`;
}

/** Publishes execution logs through a NATS link. */
export class NatsLogEmitter {
  /** Lines dropped because NATS was not usable. */
  dropped = 0;

  constructor(
    private readonly link: NatsLink,
    private readonly prefix: string,
  ) {}

  /** The emitter as an `ExecutionLogger`. */
  get logger(): ExecutionLogger {
    return (entry) => this.emit(entry);
  }

  emit(entry: ExecutionLogEntry): void {
    const nc = this.link.connection;
    if (nc === undefined || !this.link.usable) {
      this.dropped++;
      return;
    }
    try {
      nc.publish(logSubject(this.prefix, entry.component), JSON.stringify({ type: 'LogEmitted', id: randomUUID(), time: new Date().toISOString(), ...entry }));
    } catch {
      this.dropped++;
    }
  }
}
