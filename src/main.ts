/**
 * `npm start`: everything on one machine (docs/design.md §7). Provisions the `temporal` CLI if needed, starts
 * the Temporal dev server (SQLite under CADENZA_DATA_DIR, Web UI, search attributes) unless
 * TEMPORAL_ADDRESS names a server, then the worker, registers `workflows/*.yaml` and starts the API.
 * Ctrl-C stops the API, the worker and the dev server, in that order; a second Ctrl-C forces.
 */
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Client } from '@temporalio/client';
import { connectTemporal } from './temporal/client-connection';
import { DefaultLogger, type LogLevel, Runtime } from '@temporalio/worker';
import { type Config, ConfigError, loadConfig } from './config';
import { registerDefinitionsFromDirectory } from './definitions/bootstrap';
import { DefinitionStore } from './definitions/store';
import { describeNatsServers } from './events/nats-credentials';
import { startServer } from './server';
import { TemporalCliRoute } from './temporal/cli-route';
import { type DevServer, startDevServer } from './temporal/dev-server';
import { ensureTemporalCli } from './temporal/provision';
import { registerSearchAttributes } from './temporal/register-search-attributes';
import { runWorker } from './worker';

/** Something started that must be stopped on the way out, last started first stopped. */
interface Running {
  name: string;
  stop(): Promise<void>;
}

/** Thrown at a startup step reached after Ctrl-C. */
class StartupInterrupted extends Error {
  override name = 'StartupInterrupted';
}

// Signals that arrive this close together are one Ctrl-C: npm and tsx relay the terminal's SIGINT
// to the process that already got it from the terminal.
const SAME_SIGNAL_WINDOW_MS = 1_000;

const say = (line: string): void => void process.stdout.write(`${line}\n`);
const warn = (line: string): void => void process.stderr.write(`${line}\n`);

async function main(): Promise<void> {
  const startedAt = Date.now();
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      warn(error.message);
      process.exit(1);
    }
    throw error;
  }

  // Shutdown order is ours (API, then worker): the SDK must not drain the worker on Ctrl-C by itself.
  // Its INFO lines (webpack stats) are worker internals: shown only when LOG_LEVEL asks for detail.
  Runtime.install({ shutdownSignals: [], logger: new DefaultLogger(sdkLogLevel(config.LOG_LEVEL)) });

  const running: Running[] = [];
  const interrupted = new AbortController();
  let devServer: DevServer | undefined;
  let firstSignalAt: number | undefined;
  let startup: Promise<void> = Promise.resolve();

  const stopAll = async (): Promise<boolean> => {
    let clean = true;
    for (const item of running.reverse()) {
      try {
        await item.stop();
        say(`stopped ${item.name}`);
      } catch (error) {
        clean = false;
        warn(`stopping ${item.name} failed: ${messageOf(error)}`);
      }
    }
    return clean;
  };

  const onSignal = (signal: NodeJS.Signals): void => {
    const now = Date.now();
    if (firstSignalAt === undefined) {
      firstSignalAt = now;
      say(`\n${signal}: shutting down (press Ctrl-C again to force)`);
      interrupted.abort(new StartupInterrupted('interrupted'));
      void startup
        .catch(() => undefined)
        .then(stopAll)
        .then((clean) => process.exit(clean ? 0 : 1));
      return;
    }
    if (now - firstSignalAt < SAME_SIGNAL_WINDOW_MS) return;
    warn('forced exit');
    devServer?.kill();
    process.exit(130);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const checkpoint = (): void => {
    if (interrupted.signal.aborted) throw new StartupInterrupted('interrupted');
  };

  startup = (async () => {
    let address = config.TEMPORAL_ADDRESS;
    let webUi: string | undefined;
    let dbFile: string | undefined;
    if (address === undefined) {
      const cli = await ensureTemporalCli({
        env: { ...process.env, TEMPORAL_CLI_PATH: config.TEMPORAL_CLI_PATH },
        onProgress: (line) => say(`[temporal] ${line}`),
        signal: interrupted.signal,
      });
      checkpoint();
      const how = cli.route === TemporalCliRoute.SdkDownload ? 'downloaded by the Temporal SDK' : `${cli.path} (${cli.route})`;
      say(`Temporal CLI: ${how}`);
      const dataDir = resolve(config.CADENZA_DATA_DIR);
      await mkdir(dataDir, { recursive: true });
      dbFile = join(dataDir, 'temporal.sqlite');
      const temporal = await startDevServer({
        ...(cli.path !== undefined ? { cliPath: cli.path } : {}),
        ip: '127.0.0.1',
        port: config.TEMPORAL_PORT,
        uiPort: config.TEMPORAL_UI_PORT,
        namespace: config.TEMPORAL_NAMESPACE,
        dbFile,
        logFile: join(dataDir, 'temporal.log'),
      });
      devServer = temporal;
      running.push({ name: 'Temporal dev server', stop: () => temporal.stop() });
      address = temporal.address;
      webUi = temporal.uiUrl;
      checkpoint();
    }

    const effective: Config = { ...config, TEMPORAL_ADDRESS: address };
    const connection = await connectTemporal({ address });
    running.push({ name: 'Temporal client', stop: () => connection.close() });
    const client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
    if (devServer === undefined) {
      // A server we did not start may lack Cadenza's search attributes.
      await registerSearchAttributes(connection, config.TEMPORAL_NAMESPACE).then(
        (added) => added.length > 0 && say(`registered search attributes on ${address}: ${added.join(', ')}`),
        (error: unknown) => warn(`could not register search attributes on ${address}: ${messageOf(error)}`),
      );
    }
    checkpoint();

    const worker = await runWorker(effective, { address });
    running.push({ name: 'worker', stop: () => worker.shutdown() });
    checkpoint();

    const definitions = new DefinitionStore({
      client,
      taskQueue: config.CADENZA_TASK_QUEUE,
      // The single registry of an earlier version moves to one workflow per definition on the first put.
      logger: { info: (obj, msg) => say(`${msg} ${JSON.stringify(obj)}`), warn: (obj, msg) => warn(`${msg} ${JSON.stringify(obj)}`) },
    });
    const registered = await registerDefinitionsFromDirectory(client, effective, { store: definitions });
    checkpoint();

    const server = await startServer(effective, { client, definitions });
    running.push({ name: 'API', stop: () => server.close() });

    say('');
    say(`  API            ${server.url}/api/v1`);
    say(`  API docs       ${server.url}/docs`);
    say(`  Console        ${server.url}/ui`);
    say(`  Health         ${server.url}/healthz`);
    say(`  Temporal UI    ${webUi ?? '(the UI of the server at TEMPORAL_ADDRESS)'}`);
    say(`  Temporal gRPC  ${address}  (namespace ${config.TEMPORAL_NAMESPACE}, task queue ${config.CADENZA_TASK_QUEUE})`);
    if (dbFile) say(`  Temporal data  ${dbFile}`);
    if (config.NATS_URL.length > 0) {
      const p = config.CADENZA_NATS_PREFIX;
      say(`  NATS           ${describeNatsServers(config.NATS_URL)}  (events ${p}.events.>, commands ${p}.commands.>; docs/events.md)`);
    }
    for (const item of registered) {
      const version = item.version === null ? '' : ` v${item.version}`;
      say(`  Definition     ${item.id}${version}: ${item.outcome}${item.detail ? ` (${item.detail})` : ''}  [${item.file}]`);
    }
    if (registered.length === 0) say(`  Definitions    none found in ${resolve(config.CADENZA_WORKFLOWS_DIR)}`);
    say('');
    say(`Cadenza is ready (started in ${((Date.now() - startedAt) / 1000).toFixed(1)}s). Press Ctrl-C to stop.`);
  })();

  try {
    await startup;
  } catch (error) {
    // After Ctrl-C the signal handler owns the shutdown.
    if (interrupted.signal.aborted) return;
    warn(`Cadenza failed to start: ${messageOf(error)}`);
    await stopAll();
    process.exit(1);
  }
}

function sdkLogLevel(level: Config['LOG_LEVEL']): LogLevel {
  if (level === 'trace') return 'TRACE';
  if (level === 'debug') return 'DEBUG';
  if (level === 'error' || level === 'fatal' || level === 'silent') return 'ERROR';
  return 'WARN';
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

main().catch((error: unknown) => {
  warn(messageOf(error));
  process.exit(1);
});
