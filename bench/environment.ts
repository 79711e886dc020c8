/**
 * What every bench scenario runs on: an embedded Temporal dev server (in memory, free ports), the
 * Cadenza worker and the REST API in this process (as `npm start` runs them), a second worker with the
 * same options for the raw-Temporal baseline, a Temporal client, and the bench definitions registered
 * through the API.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getHeapStatistics } from 'node:v8';
import { Client } from '@temporalio/client';
import { connectTemporal } from '../src/temporal/client-connection';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, type Worker } from '@temporalio/worker';
import { loadConfig } from '../src/config';
import { type RunningServer, startServer } from '../src/server';
import { cadenzaDynamicConfig } from '../src/temporal/dev-server-flags';
import { startDevServer } from '../src/temporal/dev-server';
import { findFreePorts } from '../src/temporal/find-free-port';
import { ensureTemporalCli } from '../src/temporal/provision';
import { type CadenzaWorkerOptions, createCadenzaWorker, failureConverterPath, workflowInterceptorModules, workflowsPath } from '../src/worker/create-worker';
import { ActivityStarts, markTool } from './activity-starts';
import { benchDefinitions } from './definitions';
import { GateCommands } from './gate-commands';
import { expectStatus, JsonHttpClient } from './http-client';

export type WorkerTuning = NonNullable<CadenzaWorkerOptions['tuning']>;

export interface EnvironmentOptions {
  /** Worker options passed through `createCadenzaWorker`'s `tuning`. */
  tuning: WorkerTuning;
  /** Server-side eager activity dispatch (`system.enableActivityEagerExecution`, on in Cadenza's dev server flags). */
  eagerActivities: boolean;
  /** More dynamic config values for the dev server (`--dynamic-config key=value`), for experiments. */
  dynamicConfig?: Readonly<Record<string, unknown>>;
  /**
   * Modules the Cadenza bundle preloads once per reusable V8 context instead of once per workflow
   * (the bundler's `preloadModules`); `--preload workflows` is what `createCadenzaWorker` ships.
   */
  preloadModules: readonly string[];
  /** Sockets the bench's HTTP client may open to the API. */
  httpSockets: number;
  log: (line: string) => void;
}

/** Settings in force, as recorded in the results. */
export interface EnvironmentSettings {
  temporal: { server: string; persistence: string; dynamic_config: Record<string, unknown> };
  worker: Record<string, unknown>;
  api: { transport: string };
  baseline: string;
  gate_command_paths: GateCommands['paths'];
}

export const TASK_QUEUE = 'cadenza-bench';
/** Task queue of the baseline worker (bench/raw-workflow.ts). */
export const RAW_TASK_QUEUE = 'cadenza-bench-raw';

export class BenchEnvironment {
  private constructor(
    readonly client: Client,
    readonly http: JsonHttpClient,
    readonly worker: Worker,
    readonly server: RunningServer,
    readonly starts: ActivityStarts,
    readonly commands: GateCommands,
    readonly settings: EnvironmentSettings,
    /** Process id of the Temporal dev server (CPU accounting, left out of the competing-process census). */
    readonly serverPid: number | undefined,
    private readonly stopAll: () => Promise<void>,
  ) {}

  static async start(options: EnvironmentOptions): Promise<BenchEnvironment> {
    const cleanups: Array<() => Promise<unknown>> = [];
    const stopAll = async (): Promise<void> => {
      for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    };
    try {
      const scratch = await mkdtemp(join(tmpdir(), 'cadenza-bench-'));
      cleanups.push(() => rm(scratch, { recursive: true, force: true }));

      const cli = await ensureTemporalCli({ onProgress: (line) => options.log(`[temporal] ${line}`) });
      if (cli.path === undefined) throw new Error('the bench needs a temporal CLI binary (npm run provision)');
      const extraDynamicConfig = { ...(!options.eagerActivities && { 'system.enableActivityEagerExecution': false }), ...options.dynamicConfig };
      const [port, uiPort] = await findFreePorts(2);
      const [devServer, cadenzaBundle, rawBundle] = await Promise.all([
        startDevServer({ cliPath: cli.path, port: port!, uiPort: uiPort!, logFile: join(scratch, 'temporal.log'), dynamicConfig: extraDynamicConfig }),
        bundle(workflowsPath, scratch, 'cadenza-bundle.js', options.preloadModules, workflowInterceptorModules, failureConverterPath),
        bundle(require.resolve('./raw-workflow'), scratch, 'raw-bundle.js', [], []),
      ]);
      cleanups.push(() => devServer.stop());
      options.log(`Temporal dev server ${devServer.address} (in memory), Web UI ${devServer.uiUrl}`);

      const nativeConnection = await NativeConnection.connect({ address: devServer.address });
      cleanups.push(() => nativeConnection.close());
      const starts = new ActivityStarts();
      const tools = [markTool(starts)];
      // Two workers built by the same factory with the same options: Cadenza's own bundle, and one
      // holding only the baseline workflow (so the baseline pays none of Cadenza's module setup).
      const worker = await createCadenzaWorker({ connection: nativeConnection, namespace: 'default', taskQueue: TASK_QUEUE, tools, workflowBundle: { codePath: cadenzaBundle }, tuning: options.tuning });
      const rawWorker = await createCadenzaWorker({ connection: nativeConnection, namespace: 'default', taskQueue: RAW_TASK_QUEUE, tools, workflowBundle: { codePath: rawBundle }, tuning: options.tuning });
      for (const w of [worker, rawWorker]) {
        const running = w.run();
        running.catch((error: unknown) => options.log(`worker stopped: ${String(error)}`));
        cleanups.push(async () => {
          if (w.getState() === 'RUNNING') w.shutdown();
          await running.catch(() => undefined);
        });
      }

      // The bench reads whole histories (registry footprints): a page of a definition entity's run can
      // pass grpc-js' 4 MiB default, which `connectTemporal` lifts (src/temporal/client-connection.ts).
      const connection = await connectTemporal({ address: devServer.address });
      cleanups.push(() => connection.close());
      const client = new Client({ connection, namespace: 'default' });
      const config = loadConfig({ CADENZA_TASK_QUEUE: TASK_QUEUE, LOG_LEVEL: 'silent', TEMPORAL_ADDRESS: devServer.address });
      const server = await startServer(config, { client, port: 0 });
      cleanups.push(() => server.close());
      const http = new JsonHttpClient(server.url, options.httpSockets);
      cleanups.push(() => Promise.resolve(http.close()));

      for (const definition of benchDefinitions) {
        expectStatus(await http.put(`/api/v1/workflows/${definition.id}`, definition), [200, 201], `PUT definition ${definition.id}`);
      }
      const commands = await GateCommands.detect(http, client);
      const settings: EnvironmentSettings = {
        temporal: {
          server: `${cli.path} server start-dev (${cli.route})`,
          persistence: 'in-memory SQLite',
          dynamic_config: { ...cadenzaDynamicConfig, ...extraDynamicConfig },
        },
        worker: { ...workerSettings(worker, options.tuning), preloadModules: options.preloadModules },
        api: { transport: `HTTP/1.1 keep-alive on loopback (${server.url}), up to ${options.httpSockets} sockets` },
        baseline: `bench/raw-workflow.ts bundled alone, on a second worker from createCadenzaWorker with the same options (task queue ${RAW_TASK_QUEUE})`,
        gate_command_paths: commands.paths,
      };
      return new BenchEnvironment(client, http, worker, server, starts, commands, settings, devServer.pid, stopAll);
    } catch (error) {
      await stopAll();
      throw error;
    }
  }

  /** Stops the API, the worker, the connections and the dev server. */
  close(): Promise<void> {
    return this.stopAll();
  }
}

/** Bundles the workflows at `workflowsPath` (with `interceptors`, and Cadenza's failure converter) into `dir/name` (once, as the integration tests do). */
async function bundle(workflowsPath: string, dir: string, name: string, preloadModules: readonly string[], interceptors: readonly string[], failureConverter?: string): Promise<string> {
  const { code } = await bundleWorkflowCode({
    workflowsPath,
    workflowInterceptorModules: [...interceptors],
    preloadModules: [...preloadModules],
    ...(failureConverter !== undefined && { failureConverterPath: failureConverter }),
    logger: new DefaultLogger('WARN'),
  });
  const path = join(dir, name);
  await writeFile(path, code);
  return path;
}

/** The worker options that matter for the figures, as the SDK resolved them. */
function workerSettings(worker: Worker, tuning: WorkerTuning): Record<string, unknown> {
  const o = worker.options;
  return {
    passed_tuning: tuning,
    maxCachedWorkflows: o.maxCachedWorkflows,
    reuseV8Context: o.reuseV8Context,
    workflowThreadPoolSize: o.workflowThreadPoolSize,
    maxConcurrentWorkflowTaskExecutions: tuning.maxConcurrentWorkflowTaskExecutions ?? 40,
    maxConcurrentActivityTaskExecutions: tuning.maxConcurrentActivityTaskExecutions ?? 100,
    maxEagerActivityReservationsPerWorkflowTask: o.maxEagerActivityReservationsPerWorkflowTask ?? 3,
    nonStickyToStickyPollRatio: o.nonStickyToStickyPollRatio,
    maxHeartbeatThrottleIntervalMs: o.maxHeartbeatThrottleIntervalMs,
    v8_heap_size_limit_mib: Math.round(getHeapStatistics().heap_size_limit / 1048576),
  };
}
