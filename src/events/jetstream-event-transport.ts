/**
 * Publishes journal events to JetStream on the seeds' subjects, the event id as message id (the
 * stream's duplicate window drops a republish), with routing headers.
 */
import { type JetStreamClient, jetstream } from '@nats-io/jetstream';
import { headers, type NatsConnection } from '@nats-io/transport-node';
import type { JournalEvent } from '../workflows/events';
import { EventHeader, publishedEvent } from './event-payload';
import type { EventTransport } from './event-publisher';
import type { NatsLink } from './nats-link';
import { eventSubject } from './subjects';

/** How long one publish waits for the stream's acknowledgement. */
const PUBLISH_TIMEOUT_MS = 5_000;

export class JetStreamEventTransport implements EventTransport {
  private js: { nc: NatsConnection; client: JetStreamClient } | undefined;

  constructor(
    private readonly link: NatsLink,
    private readonly prefix: string,
  ) {}

  get usable(): boolean {
    return this.link.usable;
  }

  whenUsable(timeoutMs: number): Promise<boolean> {
    return this.link.whenUsable(timeoutMs);
  }

  async publish(event: JournalEvent): Promise<void> {
    const nc = this.link.connection;
    if (nc === undefined) throw new Error('NATS is not connected');
    if (this.js?.nc !== nc) this.js = { nc, client: jetstream(nc) };
    const h = headers();
    h.set(EventHeader.Type, event.type);
    h.set(EventHeader.Seq, String(event.seq));
    h.set(EventHeader.ExecutionId, event.execution_id);
    h.set(EventHeader.WorkflowId, event.workflow_id);
    await this.js.client.publish(eventSubject(this.prefix, event), JSON.stringify(publishedEvent(event)), {
      msgID: event.id,
      headers: h,
      timeout: PUBLISH_TIMEOUT_MS,
    });
  }
}
