/**
 * Event publishing for a worker process (docs/design.md §6): a NATS link that sets up the stream and KV
 * buckets on every connection, the publisher fed by the worker's journal sink, and the catch-up.
 * `src/worker.ts` starts it when `NATS_URL` is set and passes `onJournalEvent` to the worker.
 */
import type { EventsLog } from './events-log';
import type { KV } from '@nats-io/kv';
import type { Client } from '@temporalio/client';
import type { JournalEvent } from '../workflows/events';
import { CatchUp } from './catch-up';
import { EventPublisher } from './event-publisher';
import { JetStreamEventTransport } from './jetstream-event-transport';
import { ensureJetStreamResources } from './jetstream-setup';
import { KvBookmarkStore, KvGateIndex } from './kv-stores';
import { type NatsConfig, natsNamesOf } from './nats-config';
import { NatsLink } from './nats-link';
import { NatsLogEmitter } from './log-emitter';
import { TemporalJournalReader } from './temporal-journal-reader';

export interface EventPublishingOptions {
  config: Pick<NatsConfig, 'NATS_URL' | 'CADENZA_NATS_PREFIX' | 'CADENZA_NATS_STREAM' | 'CADENZA_NATS_CATCHUP_INTERVAL_MS' | 'CADENZA_NATS_MAX_BUFFERED'>;
  /** Reads journals (gap fills, catch-up) and lists executions (catch-up). */
  client: Client;
  /** The worker's task queue: the catch-up looks at its executions. */
  taskQueue: string;
  /** The workflow type the catch-up looks at (default the interpreter; tests use their own). */
  workflowType?: string;
  log?: EventsLog;
  /** Called after each acknowledged publish (the worker's publish-lag metric). */
  onPublished?: (event: JournalEvent) => void;
}

export interface EventPublishing {
  /** The worker's journal sink (`createCadenzaWorker({ onJournalEvent })`). */
  onJournalEvent: (event: JournalEvent) => void;
  publisher: EventPublisher;
  catchUp: CatchUp;
  link: NatsLink;
  /** `LogEmitted` lines of the worker's components (docs/design.md §8). */
  logs: NatsLogEmitter;
  /** Publishes what it can within `timeoutMs`, stops the catch-up, closes the NATS connection. */
  close(timeoutMs?: number): Promise<void>;
}

export function startEventPublishing(options: EventPublishingOptions): EventPublishing {
  const { config, client, taskQueue } = options;
  const log = options.log ?? (() => undefined);
  const names = natsNamesOf(config);
  let progress: KV | undefined;
  let gates: KV | undefined;
  const link = new NatsLink({
    servers: config.NATS_URL,
    name: `cadenza-worker:${taskQueue}`,
    log,
    onConnected: async (nc) => {
      const resources = await ensureJetStreamResources(nc, names);
      progress = resources.progress;
      gates = resources.gates;
      if (resources.createdStream) log('info', `NATS: created stream ${names.stream} for ${names.prefix}.events.>`);
    },
  });
  const bookmarks = new KvBookmarkStore(() => progress);
  const publisher = new EventPublisher({
    transport: new JetStreamEventTransport(link, names.prefix),
    bookmarks,
    gates: new KvGateIndex(() => gates),
    journal: new TemporalJournalReader(client, { log }),
    maxBuffered: config.CADENZA_NATS_MAX_BUFFERED,
    log,
    ...(options.onPublished ? { onPublished: options.onPublished } : {}),
  });
  const catchUp = new CatchUp({
    client,
    taskQueue,
    ...(options.workflowType === undefined ? {} : { workflowType: options.workflowType }),
    publisher,
    bookmarks,
    intervalMs: config.CADENZA_NATS_CATCHUP_INTERVAL_MS,
    log,
  });
  catchUp.start(() => link.whenUsable(5_000));
  return {
    onJournalEvent: (event) => publisher.accept(event),
    publisher,
    catchUp,
    link,
    logs: new NatsLogEmitter(link, names.prefix),
    async close(timeoutMs = 5_000) {
      await catchUp.stop();
      await publisher.close(timeoutMs);
      await link.close();
    },
  };
}
