/**
 * Events in over NATS (docs/design.md §9): `<p>.events.in.<name>` with a body `{key?, payload?, id?}`
 * and an API key header. The events stream holds `<p>.events.>`, so JetStream stores the event
 * (a publisher's request is answered with its PubAck); a durable consumer shared by the API nodes
 * hands each one to the `EventRouter` once routed, acknowledging it after, so an API crash
 * redelivers it. The event id is the body's `id`, else the `Nats-Msg-Id` header, else the stream
 * sequence, so a redelivery starts and resumes nothing twice.
 */
import { AckPolicy, type ConsumerMessages, DeliverPolicy, jetstream, jetstreamManager, type JsMsg } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { ApiKeyRegistry } from '../auth/api-key-registry';
import { Permission } from '../auth/permissions';
import { ApiProblem, ValidationFailed } from '../errors/problems';
import { EventMessageSchema } from '../events-in/event-message';
import type { EventRouter } from '../events-in/event-router';
import { EventNameSchema } from '../definitions/schema';
import { authorizeMessage } from './command-auth';
import { headerValues, parseCommandBody, validateMessage } from './command-body';
import type { EventsLog } from './events-log';
import type { NatsNames } from './nats-config';

/** Subject filter of events in. */
export function eventsInSubject(prefix: string): string {
  return `${prefix}.events.in.>`;
}

export interface EventIntakeOptions {
  names: NatsNames;
  router: EventRouter;
  keys: ApiKeyRegistry;
  log?: EventsLog;
}

/** Takes events in from the stream. */
export class NatsEventIntake {
  private messages: ConsumerMessages | undefined;
  private attachedTo: NatsConnection | undefined;

  constructor(private readonly options: EventIntakeOptions) {}

  /** The durable consumer's name. */
  get durable(): string {
    return `cadenza-events-in-${this.options.names.prefix.replace(/[.]/g, '_')}`;
  }

  /** Creates the durable consumer when missing and starts consuming on `nc`. */
  async attach(nc: NatsConnection): Promise<void> {
    if (this.attachedTo === nc) return;
    this.attachedTo = nc;
    const { stream, prefix } = this.options.names;
    const jsm = await jetstreamManager(nc);
    await jsm.consumers.add(stream, {
      durable_name: this.durable,
      filter_subject: eventsInSubject(prefix),
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.New,
      ack_wait: 60_000_000_000,
      max_deliver: -1,
    });
    const consumer = await jetstream(nc).consumers.get(stream, this.durable);
    await this.messages?.close();
    this.messages = await consumer.consume({ callback: (msg) => void this.handle(msg) });
  }

  async close(): Promise<void> {
    await this.messages?.close();
    this.messages = undefined;
  }

  /** Routes one event and acknowledges it; a refused one is acknowledged too (retrying cannot help). */
  async handle(msg: JsMsg): Promise<void> {
    const { prefix } = this.options.names;
    try {
      const name = EventNameSchema.safeParse(msg.subject.slice(`${prefix}.events.in.`.length));
      if (!name.success) throw new ValidationFailed([{ path: 'subject', message: `${prefix}.events.in.<name>: ${name.error.issues[0]?.message ?? 'not an event name'}` }]);
      const principal = authorizeMessage(this.options.keys, msg.headers, Permission.EventsPublish);
      const body = validateMessage(EventMessageSchema, parseCommandBody(msg.data));
      const id = body.id ?? headerValues(msg.headers, 'Nats-Msg-Id')[0] ?? `nats:${this.options.names.stream}:${msg.seq}`;
      const routed = await this.options.router.route({ name: name.data, ...(body.key !== undefined && { key: body.key }), payload: body.payload, id }, principal.name);
      this.options.log?.('info', `NATS events in: ${msg.subject} (${id}): started ${routed.started.length}, resumed ${routed.resumed.length}${routed.kept ? ', kept' : ''}`);
      msg.ack();
    } catch (error) {
      if (error instanceof ApiProblem && error.status < 500) {
        this.options.log?.('warn', `NATS events in: ${msg.subject} refused (${error.slug}): ${error.detail}`);
        msg.term();
        return;
      }
      this.options.log?.('warn', `NATS events in: ${msg.subject} failed, redelivered in 2 s`, error);
      msg.nak(2000);
    }
  }
}
