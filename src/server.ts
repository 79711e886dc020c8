/**
 * API server bootstrap: connects to Temporal, builds the app, listens. `npm run api` runs it alone
 * (Ctrl-C / SIGTERM close it gracefully); `npm start` calls `startServer` next to the worker.
 */
import { Client, Connection } from '@temporalio/client';
import { connectTemporal } from './temporal/client-connection';
import type { FastifyBaseLogger } from 'fastify';
import { buildApp, type CadenzaApp } from './api/app';
import { openEgressWarning } from './activities/tools/egress/open-egress-warning';
import { assertSafeToListen } from './auth/listen-guard';
import { type Config, ConfigError, loadConfig } from './config';
import { registerDefinitionsFromDirectory } from './definitions/bootstrap';
import { DefinitionStore } from './definitions/store';
import { assertCommandsSafe } from './events/command-auth';
import { type CommandIntake, startCommandIntake } from './events/command-intake';
import { NatsLogEmitter } from './events/log-emitter';
import { ExecutionCommandService } from './executions/command-service';
import { type ExecutionLogger, noExecutionLog } from './activities/agents/execution-log';
import { logToPino } from './events/events-log';
import { registerSearchAttributes } from './temporal/register-search-attributes';
import { tracingFromConfig, type Tracing } from './observability/tracing';

export interface StartServerOptions {
  /** A connected client to use (left open by `close()`); otherwise one is connected and owned. */
  client?: Client;
  /** Temporal frontend address when connecting; defaults to TEMPORAL_ADDRESS, else the embedded dev server. */
  temporalAddress?: string;
  /** Listen port; overrides CADENZA_PORT (0 picks a free port). */
  port?: number;
  definitions?: DefinitionStore;
  logger?: FastifyBaseLogger;
  /** Register `CADENZA_WORKFLOWS_DIR` in the background once listening (waits for a worker). */
  registerDefinitions?: boolean;
  /** Add Cadenza's search attributes the namespace lacks before listening (default true). */
  ensureSearchAttributes?: boolean;
  onReady?: (info: { url: string }) => void;
  /** Traces requests and the Temporal calls they make (`CADENZA_TRACING`); applies to an owned client only. */
  tracing?: Tracing;
}

export interface RunningServer {
  url: string;
  app: CadenzaApp;
  /** Stops accepting requests, finishes in-flight ones, closes an owned Temporal connection. */
  close(): Promise<void>;
}

/** The Temporal address the API uses for `config`. */
export function temporalAddressOf(config: Config): string {
  return config.TEMPORAL_ADDRESS ?? `127.0.0.1:${config.TEMPORAL_PORT}`;
}

/** A startup step failed; its message is the one line to print. */
export class StartupError extends Error {
  override name = 'StartupError';
}

export async function startServer(config: Config, options: StartServerOptions = {}): Promise<RunningServer> {
  // Before anything else: never serve a keyless API to a network.
  await assertSafeToListen(config);
  if (config.NATS_URL.length > 0) assertCommandsSafe(config);
  let connection: Connection | undefined;
  let client = options.client;
  const temporalAddress = options.temporalAddress ?? temporalAddressOf(config);
  if (!client) {
    connection = await connectTemporal({ address: temporalAddress });
    const tracing = options.tracing;
    client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE, ...(tracing && { interceptors: { workflow: [tracing.clientInterceptor] } }) });
  }
  // The store's migration of an earlier version's registry (on its first operation) logs to the app's logger.
  const definitions =
    options.definitions ??
    new DefinitionStore({ client, taskQueue: config.CADENZA_TASK_QUEUE, logger: { info: (obj, msg) => app.log.info(obj, msg), warn: (obj, msg) => app.log.warn(obj, msg) } });
  // The api component's LogEmitted lines go to NATS once the command intake is connected (below).
  let emitLog: ExecutionLogger = noExecutionLog;
  const commands = new ExecutionCommandService({ client, maxCommandDataBytes: config.CADENZA_MAX_COMMAND_DATA_BYTES, log: (entry) => emitLog(entry) });
  const app = await buildApp({ config, client, definitions, commands, ...(options.logger ? { logger: options.logger } : {}), ...(options.tracing && { tracerProvider: options.tracing.provider }) });
  try {
    if (options.ensureSearchAttributes ?? true) await ensureSearchAttributes(client, config.TEMPORAL_NAMESPACE, temporalAddress, app.log);
    if (!config.CADENZA_API_KEYS.length) app.log.warn(`no API keys configured (CADENZA_API_KEYS): authentication is off, every caller is "anonymous"`);
    const egressWarning = openEgressWarning(config);
    if (egressWarning !== undefined) app.log.warn(egressWarning);
    await app.listen({ host: config.CADENZA_HOST, port: options.port ?? config.CADENZA_PORT });
  } catch (error) {
    await app.close();
    await connection?.close();
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : (options.port ?? config.CADENZA_PORT);
  const host = config.CADENZA_HOST.includes(':') ? `[${config.CADENZA_HOST}]` : config.CADENZA_HOST;
  const url = `http://${host}:${port}`;

  if (options.registerDefinitions) {
    registerDefinitionsFromDirectory(client, config, { store: definitions, logger: app.log }).catch((error: unknown) =>
      app.log.error({ err: error }, 'registering the definitions directory failed'),
    );
  }
  // NATS commands (docs/events.md): connects in the background, never delays or fails the API.
  const natsCommands: CommandIntake | undefined =
    config.NATS_URL.length > 0 ? startCommandIntake({ config, client, definitions, commands, log: logToPino(app.log) }) : undefined;
  if (natsCommands !== undefined) emitLog = new NatsLogEmitter(natsCommands.link, config.CADENZA_NATS_PREFIX).logger;
  options.onReady?.({ url });

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      await natsCommands?.close();
      await app.close();
      await connection?.close();
    })();
    return closing;
  };
  return { url, app, close };
}

/**
 * A server Cadenza did not start (TEMPORAL_ADDRESS) may lack the search attributes that listing,
 * `awaiting=me` and the approval inbox filter on: add the missing ones, or fail in one line.
 */
async function ensureSearchAttributes(client: Client, namespace: string, address: string, log: FastifyBaseLogger): Promise<void> {
  // Registration goes through the operator service of a full gRPC connection.
  if (!(client.connection instanceof Connection)) return;
  let added: string[];
  try {
    added = await registerSearchAttributes(client.connection, namespace);
  } catch (error) {
    const reason = error instanceof Error ? (error as { details?: string }).details || error.message : String(error);
    throw new StartupError(`cannot ensure Cadenza's search attributes on ${address} (namespace "${namespace}"): ${reason}`);
  }
  if (added.length > 0) log.info({ added, namespace }, `registered search attributes: ${added.join(', ')}`);
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  const tracing = tracingFromConfig(config, 'cadenza-api');
  const server = await startServer(config, {
    registerDefinitions: true,
    ...(tracing && { tracing }),
    onReady: ({ url }) => console.log(`Cadenza API on ${url} (OpenAPI UI ${url}/docs, console ${url}/ui)`),
  });
  const stop = (signal: NodeJS.Signals) => {
    server.app.log.info({ signal }, 'shutting down');
    server.close().then(
      () => void (tracing?.shutdown() ?? Promise.resolve()).finally(() => process.exit(0)),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
