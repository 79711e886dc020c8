/**
 * NATS commands for an API process (`src/server.ts` starts this when `NATS_URL` is set): a NATS link
 * that (re)subscribes the consumer, over the same services and key store as the REST API.
 */
import type { KV } from '@nats-io/kv';
import type { Client } from '@temporalio/client';
import { ApiKeyRegistry } from '../auth/api-key-registry';
import type { Config } from '../config';
import type { DefinitionStore } from '../definitions/store';
import { ExecutionCommandService } from '../executions/command-service';
import { ExecutionService } from '../executions/execution-service';
import { assertCommandsSafe } from './command-auth';
import { EventRouter } from '../events-in/event-router';
import { NatsCommandConsumer } from './command-consumer';
import { NatsEventIntake } from './event-intake';
import type { EventsLog } from './events-log';
import { ensureJetStreamResources } from './jetstream-setup';
import { KvGateIndex } from './kv-stores';
import { natsNamesOf } from './nats-config';
import { NatsLink } from './nats-link';
import { TaskExecutionLocator } from './task-execution-locator';

export interface CommandIntakeOptions {
  config: Pick<
    Config,
    | 'NATS_URL'
    | 'CADENZA_NATS_PREFIX'
    | 'CADENZA_NATS_STREAM'
    | 'CADENZA_API_KEYS'
    | 'CADENZA_ALLOW_UNAUTHENTICATED'
    | 'CADENZA_TASK_QUEUE'
    | 'CADENZA_TEMPLATE_ENV'
    | 'CADENZA_MAX_INPUT_BYTES'
    | 'CADENZA_MAX_COMMAND_DATA_BYTES'
    | 'CADENZA_EVENT_KEEP'
  >;
  client: Client;
  definitions: DefinitionStore;
  /** Defaults to services over `client` and `definitions` (the REST API's own classes). */
  executions?: ExecutionService;
  commands?: ExecutionCommandService;
  log?: EventsLog;
}

export interface CommandIntake {
  consumer: NatsCommandConsumer;
  /** Events in (`<p>.events.in.<name>`, docs/design.md §9). */
  events: NatsEventIntake;
  link: NatsLink;
  close(): Promise<void>;
}

/** Throws a one-line `ConfigError` when commands would be taken from a network NATS without API keys. */
export function startCommandIntake(options: CommandIntakeOptions): CommandIntake {
  const { config, client, definitions } = options;
  assertCommandsSafe(config);
  const names = natsNamesOf(config);
  const log = options.log ?? (() => undefined);
  let gates: KV | undefined;
  const executions = options.executions ?? new ExecutionService({ client, definitions, config });
  const keys = new ApiKeyRegistry(config.CADENZA_API_KEYS);
  const events = new NatsEventIntake({
    names,
    router: new EventRouter({ client, definitions, executions, taskQueue: config.CADENZA_TASK_QUEUE, keepMs: config.CADENZA_EVENT_KEEP }),
    keys,
    log,
  });
  const consumer = new NatsCommandConsumer({
    names,
    client,
    executions,
    commands: options.commands ?? new ExecutionCommandService({ client, maxCommandDataBytes: config.CADENZA_MAX_COMMAND_DATA_BYTES }),
    keys,
    locator: new TaskExecutionLocator(client, new KvGateIndex(() => gates)),
    log,
  });
  const link = new NatsLink({
    servers: config.NATS_URL,
    name: 'cadenza-api',
    log,
    onConnected: async (nc) => {
      gates = (await ensureJetStreamResources(nc, names)).gates;
      await consumer.attach(nc);
      await events.attach(nc);
    },
  });
  return {
    consumer,
    events,
    link,
    async close() {
      await events.close();
      await consumer.close();
      await link.close();
    },
  };
}
