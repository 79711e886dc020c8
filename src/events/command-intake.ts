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
import { NatsCommandConsumer } from './command-consumer';
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
  const consumer = new NatsCommandConsumer({
    names,
    client,
    executions: options.executions ?? new ExecutionService({ client, definitions, config }),
    commands: options.commands ?? new ExecutionCommandService({ client, maxCommandDataBytes: config.CADENZA_MAX_COMMAND_DATA_BYTES }),
    keys: new ApiKeyRegistry(config.CADENZA_API_KEYS),
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
    },
  });
  return {
    consumer,
    link,
    async close() {
      await consumer.close();
      await link.close();
    },
  };
}
