/**
 * Worker entry: `npm run worker` runs a Cadenza worker against TEMPORAL_ADDRESS; `npm start` uses
 * `runWorker` in-process.
 */
import { DefaultLogger, NativeConnection, Runtime, type Worker } from '@temporalio/worker';
import { Client } from '@temporalio/client';
import { connectTemporal } from './temporal/client-connection';
import { httpToolOptionsFrom } from './activities/tools/http';
import { loadUserTools } from './activities/tools/load-user-tools';
import { type Config, ConfigError, loadConfig, publicUrlOf } from './config';
import { type EventPublishing, startEventPublishing } from './events/event-publishing';
import { type EventsLog, logToConsole } from './events/events-log';
import { taskSizeLimitsFrom } from './limits/size-limits';
import { createCadenzaWorker, type CadenzaWorkerOptions } from './worker/create-worker';
import { tracingFromConfig, type Tracing } from './observability/tracing';
import { EventPublishLag, runtimeTelemetry } from './observability/worker-telemetry';

export interface RunningWorker {
  worker: Worker;
  /** Stops polling, lets in-flight tasks finish (grace time), closes the connection if it owns it. */
  shutdown(): Promise<void>;
}

export async function runWorker(
  config: Config,
  options: { connection?: NativeConnection; address?: string; tuning?: CadenzaWorkerOptions['tuning']; log?: EventsLog; tracing?: Tracing } = {},
): Promise<RunningWorker> {
  const address = options.address ?? config.TEMPORAL_ADDRESS ?? `127.0.0.1:${config.TEMPORAL_PORT}`;
  const connection = options.connection ?? (await NativeConnection.connect({ address }));
  const tools = await loadUserTools(config.CADENZA_TOOLS);
  // NATS_URL set: journal events go to JetStream (docs/events.md); the publisher reads journals for its catch-up.
  const events = config.NATS_URL.length > 0 ? await startPublishing(config, address, options.log ?? logToConsole('warn')) : undefined;
  const worker = await createCadenzaWorker({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.CADENZA_TASK_QUEUE,
    tools,
    http: httpToolOptionsFrom(config),
    limits: taskSizeLimitsFrom(config),
    publicUrl: publicUrlOf(config),
    tuning: { ...(config.CADENZA_MAX_CACHED_WORKFLOWS !== undefined && { maxCachedWorkflows: config.CADENZA_MAX_CACHED_WORKFLOWS }), ...options.tuning },
    ...(options.tracing && { plugins: [options.tracing.workerPlugin] }),
    ...(events && { onJournalEvent: events.publishing.onJournalEvent, executionLog: events.publishing.logs.logger }),
  });
  const running = worker.run();
  return {
    worker,
    async shutdown() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
      await events?.close();
      if (!options.connection) await connection.close();
    },
  };
}

async function startPublishing(config: Config, address: string, log: EventsLog): Promise<{ publishing: EventPublishing; close(): Promise<void> }> {
  const clientConnection = await connectTemporal({ address });
  const client = new Client({ connection: clientConnection, namespace: config.TEMPORAL_NAMESPACE });
  const publishing = startEventPublishing({ config, client, taskQueue: config.CADENZA_TASK_QUEUE, log, onPublished: new EventPublishLag().observe });
  return {
    publishing,
    async close() {
      await publishing.close();
      await clientConnection.close();
    },
  };
}

if (require.main === module) {
  void (async () => {
    let config: Config;
    try {
      config = loadConfig();
    } catch (err) {
      if (err instanceof ConfigError) {
        console.error(err.message);
        process.exit(1);
      }
      throw err;
    }
    Runtime.install({ logger: new DefaultLogger(sdkLogLevel(config.LOG_LEVEL)), ...runtimeTelemetry(config) });
    const tracing = tracingFromConfig(config, 'cadenza-worker');
    const running = await runWorker(config, { ...(tracing && { tracing }), log: logToConsole(config.LOG_LEVEL === 'debug' || config.LOG_LEVEL === 'trace' || config.LOG_LEVEL === 'info' ? 'info' : 'warn') });
    console.log(`Cadenza worker polling task queue "${config.CADENZA_TASK_QUEUE}"`);
    const stop = () => void running.shutdown().then(() => tracing?.shutdown()).then(() => process.exit(0));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  })().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  });
}

/** The SDK logger's levels for Cadenza's LOG_LEVEL. */
function sdkLogLevel(level: Config['LOG_LEVEL']): 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' {
  switch (level) {
    case 'trace':
      return 'TRACE';
    case 'debug':
      return 'DEBUG';
    case 'info':
      return 'INFO';
    case 'warn':
      return 'WARN';
    default:
      return 'ERROR';
  }
}
