/**
 * What the NATS tests share: a Cadenza worker whose journal sink feeds event publishing (as
 * `src/worker.ts` wires it), a per-test prefix (so each test has its own stream), tools, and readers
 * of the stream's content.
 */
import { randomUUID } from 'node:crypto';
import { jetstreamManager, type StoredMsg } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { NativeConnection, type Worker } from '@temporalio/worker';
import type { PublishedEvent } from '../../../src/events/event-payload';
import { type EventPublishing, startEventPublishing } from '../../../src/events/event-publishing';
import { type NatsConfig, NatsConfigSchema, type NatsNames, natsNamesOf } from '../../../src/events/nats-config';
import { createCadenzaWorker } from '../../../src/worker/create-worker';
import type { JournalEvent } from '../../../src/workflows/events';
import { requireTestEnv, TestEnv, testNamespace } from '../harness/test-environment';
import type { Tool } from '../../../src/activities/tools/tool';
import { natsTools } from './nats-tools';
import type { TestClient } from '../harness';

export { askTool, napTool, natsTools } from './nats-tools';

/** A fresh prefix: each test gets its own subjects, stream and buckets. */
export function testPrefix(): string {
  return `t${randomUUID().slice(0, 8)}.compozy`;
}

export function natsConfig(url: string, prefix: string, extra: Record<string, string> = {}): NatsConfig {
  return NatsConfigSchema.parse({ NATS_URL: url, CADENZA_NATS_PREFIX: prefix, CADENZA_NATS_CATCHUP_INTERVAL_MS: '0', ...extra });
}

export interface PublishingWorker {
  worker: Worker;
  taskQueue: string;
  /** Undefined for a worker started without publishing. */
  publishing: EventPublishing | undefined;
  /** Every event the sink handed over, in order. */
  handed: JournalEvent[];
  shutdown(): Promise<void>;
}

/** A worker on `taskQueue` whose sink publishes to NATS with `config` (or publishes nothing when undefined). */
export async function startPublishingWorker(t: TestClient, taskQueue: string, config: NatsConfig | undefined, options: { tools?: Tool[] } = {}): Promise<PublishingWorker> {
  const connection = await NativeConnection.connect({ address: requireTestEnv(TestEnv.Address) });
  const publishing = config ? startEventPublishing({ config, client: t.client, taskQueue }) : undefined;
  const handed: JournalEvent[] = [];
  const worker = await createCadenzaWorker({
    connection,
    namespace: testNamespace(),
    taskQueue,
    workflowBundle: { codePath: requireTestEnv(TestEnv.WorkflowBundle) },
    tools: options.tools ?? natsTools,
    ...(publishing && { executionLog: publishing.logs.logger }),
    onJournalEvent: (event) => {
      handed.push(event);
      publishing?.onJournalEvent(event);
    },
  });
  const run = worker.run();
  run.catch(() => undefined);
  let stopping: Promise<void> | undefined;
  return {
    worker,
    taskQueue,
    publishing,
    handed,
    shutdown: () =>
      (stopping ??= (async () => {
        if (worker.getState() === 'RUNNING') worker.shutdown();
        await run.catch(() => undefined);
        await publishing?.close(5_000);
        await connection.close();
      })()),
  };
}

/** A message of the stream, as a consumer sees it. */
export interface StreamMessage {
  seq: number;
  subject: string;
  event: PublishedEvent;
  msgId: string | undefined;
  headers: Record<string, string>;
}

/** Every journal event message of the stream, in stream order (`LogEmitted` lines left out: `logMessages()`). */
export async function streamMessages(nc: NatsConnection, names: NatsNames): Promise<StreamMessage[]> {
  return (await allStreamMessages(nc, names)).filter((m) => !m.subject.startsWith(`${names.prefix}.events.log.`));
}

/** The `LogEmitted` lines of the stream (`<p>.events.log.<component>`), in stream order. */
export async function logMessages(nc: NatsConnection, names: NatsNames): Promise<StreamMessage[]> {
  return (await allStreamMessages(nc, names)).filter((m) => m.subject.startsWith(`${names.prefix}.events.log.`));
}

async function allStreamMessages(nc: NatsConnection, names: NatsNames): Promise<StreamMessage[]> {
  const jsm = await jetstreamManager(nc);
  let info;
  try {
    info = await jsm.streams.info(names.stream);
  } catch {
    return [];
  }
  const out: StreamMessage[] = [];
  for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq++) {
    const msg: StoredMsg | null = await jsm.streams.getMessage(names.stream, { seq });
    if (msg === null) continue;
    const headers: Record<string, string> = {};
    for (const [k, v] of msg.header ?? []) headers[k] = v[0] ?? '';
    out.push({ seq: msg.seq, subject: msg.subject, event: msg.json<PublishedEvent>(), msgId: headers['Nats-Msg-Id'], headers });
  }
  return out;
}

/** The stream's messages of one execution. */
export async function executionMessages(nc: NatsConnection, names: NatsNames, executionId: string): Promise<StreamMessage[]> {
  return (await streamMessages(nc, names)).filter((m) => m.event.execution_id === executionId);
}

export async function connectNats(url: string): Promise<NatsConnection> {
  return connect({ servers: url, name: 'cadenza-test', maxReconnectAttempts: -1, reconnectTimeWait: 200 });
}

export { natsNamesOf };
