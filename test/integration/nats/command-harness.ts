/**
 * A NATS command setup for a test file: a nats-server, a publishing worker (so the gate index is
 * filled), the command intake of an API process over its own registry, and a client connection that
 * sends commands and reads the replies as they are on the wire.
 */
import { randomUUID } from 'node:crypto';
import { headers as natsHeaders, type NatsConnection } from '@nats-io/transport-node';
import { type Config, loadConfig } from '../../../src/config';
import { DefinitionSchema } from '../../../src/definitions/schema';
import { DefinitionStore } from '../../../src/definitions/store';
import { type CommandIntake, startCommandIntake } from '../../../src/events/command-intake';
import type { CommandReply } from '../../../src/events/command-messages';
import type { EventsLog } from '../../../src/events/events-log';
import { connectTestClient, type TestClient } from '../harness';
import { connectNats, natsConfig, type PublishingWorker, startPublishingWorker, testPrefix } from './nats-context';
import { NatsTestServer } from './nats-test-server';

/** A key with every permission, sent by `command` unless told otherwise. */
export const OPERATOR_KEY = 'operator-key-0123456789abcdef';

/** The running pieces, and `command` to talk to them. */
export interface CommandHarness {
  nats: NatsTestServer;
  t: TestClient;
  nc: NatsConnection;
  prefix: string;
  taskQueue: string;
  /** Id of the registry workflow: a Temporal workflow that is not an execution. */
  registryId: string;
  worker: PublishingWorker;
  intake: CommandIntake;
  config: Config;
  /** Sends a command (JSON body, or raw text/bytes) and returns the reply as it came. */
  command(subject: string, body: unknown, options?: CommandOptions): Promise<WireReply>;
  close(): Promise<void>;
}

/** How `command` sends a message. */
export interface CommandOptions {
  /** Headers to send; default an Authorization header with the operator key. */
  headers?: Record<string, string>;
  /** Send `body` as it is (a string or bytes), not as JSON. */
  raw?: boolean;
  timeoutMs?: number;
}

/** A reply: its `Cadenza-Status` header, its text and its parsed body (undefined when not JSON). */
export interface WireReply {
  status: number;
  text: string;
  reply: CommandReply | undefined;
}

/** Starts everything with `definitions` registered; `log` receives the intake's log lines. */
export async function startCommandHarness(definitions: readonly object[], log?: EventsLog): Promise<CommandHarness> {
  const nats = await NatsTestServer.start();
  const t = await connectTestClient();
  const nc = await connectNats(nats.url);
  const prefix = testPrefix();
  const taskQueue = `nats-${randomUUID()}`;
  const worker = await startPublishingWorker(t, taskQueue, natsConfig(nats.url, prefix));
  const config = loadConfig({
    CADENZA_TASK_QUEUE: taskQueue,
    TEMPORAL_NAMESPACE: t.namespace,
    LOG_LEVEL: 'silent',
    NATS_URL: nats.url,
    CADENZA_NATS_PREFIX: prefix,
    CADENZA_API_KEYS: JSON.stringify([{ key: OPERATOR_KEY, name: 'operator', permissions: ['*'], roles: ['finance'] }]),
  });
  const registryId = `registry-${randomUUID()}`;
  const store = new DefinitionStore({ client: t.client, taskQueue, registryId: registryId });
  for (const body of definitions) await store.put(DefinitionSchema.parse(body));
  const intake = startCommandIntake({ config, client: t.client, definitions: store, ...(log ? { log } : {}) });
  if (!(await intake.link.whenUsable(10_000))) throw new Error('the command intake never connected to NATS');

  const command = async (subject: string, body: unknown, options: CommandOptions = {}): Promise<WireReply> => {
    const h = natsHeaders();
    for (const [k, v] of Object.entries(options.headers ?? { Authorization: `Bearer ${OPERATOR_KEY}` })) h.set(k, v);
    const payload = options.raw ? (body as string | Uint8Array) : body === undefined ? '' : JSON.stringify(body);
    const msg = await nc.request(`${prefix}.${subject}`, payload, { timeout: options.timeoutMs ?? 20_000, headers: h });
    const text = msg.string();
    let reply: CommandReply | undefined;
    try {
      reply = JSON.parse(text) as CommandReply;
    } catch {
      reply = undefined;
    }
    return { status: Number(msg.headers?.get('Cadenza-Status')), text, reply };
  };

  return {
    nats,
    t,
    nc,
    prefix,
    taskQueue,
    registryId,
    worker,
    intake,
    config,
    command,
    async close() {
      await intake.close();
      await worker.shutdown();
      await nc.close();
      await t.close();
      await nats.dispose();
    },
  };
}
