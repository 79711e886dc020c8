/**
 * Builds a Cadenza worker: the interpreter and registry workflows plus the task activity.
 * Used by `src/worker.ts`, `npm start` and the integration tests.
 */
import { Client } from '@temporalio/client';
import { type BundleOptions, bundleWorkflowCode, type InjectedSinks, type NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities } from '../activities';
import type { ExecutionLogger } from '../activities/agents/execution-log';
import type { HttpToolOptions } from '../activities/tools/http';
import type { Tool } from '../activities/tools/tool';
import { ToolRegistry } from '../activities/tools/registry';
import type { TaskSizeLimits } from '../limits/size-limits';
import type { JournalEvent } from '../workflows/events';
import type { CadenzaSinks } from '../workflows/journal-sink';
import { executionIdLogAttributes } from '../observability/worker-telemetry';

export interface CadenzaWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  /** Extra tools besides the built-ins. */
  tools?: Tool[];
  /** Egress policy and response cap of the built-in `http` tool; default: everything allowed, 512 KiB. */
  http?: HttpToolOptions;
  /** Task input and output size limits (`CADENZA_MAX_TASK_*_BYTES`); default: 512 KiB each. */
  limits?: TaskSizeLimits;
  /** Receives `LogEmitted` lines of the worker and runtime components (default: dropped). */
  executionLog?: ExecutionLogger;
  /** A prebuilt workflow bundle (tests build it once); otherwise the workflows are bundled at start. */
  workflowBundle?: { codePath: string };
  /** The API's public base URL, for callback URLs (default `http://127.0.0.1:3000`). */
  publicUrl?: string;
  /** Receives every journal event as it is appended (not on replay); default: dropped. */
  onJournalEvent?: (event: JournalEvent) => void;
  /** Worker plugins, e.g. tracing's (`src/observability/tracing.ts`); they bring their own interceptors. */
  plugins?: WorkerOptions['plugins'];
  /** Overrides for tuning (benchmarks) and tests. */
  tuning?: Partial<Pick<WorkerOptions, 'maxCachedWorkflows' | 'maxConcurrentActivityTaskExecutions' | 'maxConcurrentWorkflowTaskExecutions' | 'reuseV8Context' | 'shutdownGraceTime' | 'maxHeartbeatThrottleInterval'>>;
}

/** Base URL of callback URLs when none is configured. */
export const DEFAULT_PUBLIC_URL = 'http://127.0.0.1:3000';

/** The workflow code: the interpreter and the registry. */
export const workflowsPath = require.resolve('../workflows');

/**
 * The failure converter every bundle and every worker loads (`src/workflows/failure-converter.ts`):
 * no failure text can stop a worker, whatever a command carried.
 */
export const failureConverterPath = require.resolve('../workflows/failure-converter');

/** Workflow interceptor modules every bundle and every worker must load (`src/workflows/interceptors.ts`). */
export const workflowInterceptorModules: readonly string[] = [require.resolve('../workflows/interceptors')];

/**
 * Modules the bundle loads once per reusable V8 context instead of once per workflow (the bundler's
 * `preloadModules`): all of Cadenza's workflow code and the libraries it uses. Without a preload the
 * SDK instantiates every module of the bundle again for each workflow it creates, and keeps those
 * instances for as long as the workflow is cached; bench/README.md measures the memory per cached
 * workflow and the CPU per replay. No module keeps per-workflow state: module scope holds only
 * constants, message definitions, activity and sink proxies (they find the running workflow when
 * called) and the expression layer's caches, which are pure functions of their input (a compiled CEL
 * expression, a CEL form keyed by its object); the SDK deep-freezes preloaded exports, so a module
 * that wrote to an exported object would fail loudly, and lint refuses module-scope state in every
 * sandboxed module (eslint.config.mjs, `moduleScopeState`).
 */
export const workflowPreloadModules: readonly string[] = [
  '@marcbachmann/cel-js',
  '@cfworker/json-schema',
  require.resolve('../definitions/expressions'),
  require.resolve('../definitions/templates'),
  workflowsPath,
  ...workflowInterceptorModules,
];

/**
 * Default `maxCachedWorkflows`: bounds the memory of thousands of paused executions (~0.3 MiB each
 * cached) instead of the SDK's heap-derived default (2,310 with Node's 4 GiB limit); executions
 * beyond it replay on their next command. `CADENZA_MAX_CACHED_WORKFLOWS` overrides it.
 */
export const DEFAULT_MAX_CACHED_WORKFLOWS = 1000;

/** Bundles the workflow code with Cadenza's interceptors and preloads (tests and benchmarks build one bundle for many workers). */
export function bundleCadenzaWorkflows(options: Omit<BundleOptions, 'workflowsPath' | 'workflowInterceptorModules'> = {}): Promise<{ code: string }> {
  return bundleWorkflowCode({ preloadModules: [...workflowPreloadModules], ...options, workflowsPath, workflowInterceptorModules: [...workflowInterceptorModules], failureConverterPath });
}

export async function createCadenzaWorker(options: CadenzaWorkerOptions): Promise<Worker> {
  const registry = ToolRegistry.withBuiltins(options.tools ?? [], options.http ? { http: options.http } : {});
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    // A prebuilt bundle carries the interceptors already (`bundleCadenzaWorkflows`).
    ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : { workflowsPath, bundlerOptions: { preloadModules: [...workflowPreloadModules] } }),
    // Also bundled into a prebuilt bundle (`bundleCadenzaWorkflows`); here it converts activity failures.
    dataConverter: { failureConverterPath },
    interceptors: { activity: [executionIdLogAttributes], ...(options.workflowBundle ? {} : { workflowModules: [...workflowInterceptorModules] }) },
    ...(options.plugins ? { plugins: options.plugins } : {}),
    // Events in and bulk operations talk to Temporal from activities, over the worker's own connection.
    activities: createActivities({
      tools: registry,
      inbound: { client: new Client({ connection: options.connection, namespace: options.namespace }), taskQueue: options.taskQueue, publicUrl: options.publicUrl ?? DEFAULT_PUBLIC_URL },
      ...(options.limits && { limits: options.limits }),
      ...(options.executionLog && { log: options.executionLog }),
    }),
    sinks: journalSinks(options.onJournalEvent ?? (() => undefined)),
    // Cancellation reaches an activity only through a heartbeat response: keep that short.
    maxHeartbeatThrottleInterval: '1s',
    shutdownGraceTime: '5s',
    maxCachedWorkflows: DEFAULT_MAX_CACHED_WORKFLOWS,
    ...options.tuning,
  });
}

/** The journal sink of a worker: `onEvent` gets every newly appended event (never a replayed one). */
export function journalSinks(onEvent: (event: JournalEvent) => void): InjectedSinks<CadenzaSinks> {
  return {
    journal: {
      // Not during replay: a replayed event was handed over when it was first appended.
      appended: { fn: (_info, event) => onEvent(event), callDuringReplay: false },
    },
  };
}
