/**
 * Builds a Cadenza worker: the interpreter and registry workflows plus the task activity.
 * Used by `src/worker.ts`, `npm start` and the integration tests.
 */
import { Client } from '@temporalio/client';
import { type BundleOptions, bundleWorkflowCode, type InjectedSinks, type NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities } from '../activities';
import type { HttpToolOptions } from '../activities/tools/http';
import type { Tool } from '../activities/tools/tool';
import { ToolRegistry } from '../activities/tools/registry';
import type { JournalEvent } from '../workflows/events';
import type { CadenzaSinks } from '../workflows/journal-sink';

export interface CadenzaWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  /** Extra tools besides the built-ins. */
  tools?: Tool[];
  /** Egress policy and response cap of the built-in `http` tool; default: everything allowed, 1 MiB. */
  http?: HttpToolOptions;
  /** A prebuilt workflow bundle (tests build it once); otherwise the workflows are bundled at start. */
  workflowBundle?: { codePath: string };
  /** The API's public base URL, for callback URLs (default `http://127.0.0.1:3000`). */
  publicUrl?: string;
  /** Receives every journal event as it is appended (not on replay); default: dropped. */
  onJournalEvent?: (event: JournalEvent) => void;
  /** Overrides for tuning (benchmarks) and tests. */
  tuning?: Partial<Pick<WorkerOptions, 'maxCachedWorkflows' | 'maxConcurrentActivityTaskExecutions' | 'maxConcurrentWorkflowTaskExecutions' | 'reuseV8Context' | 'shutdownGraceTime' | 'maxHeartbeatThrottleInterval'>>;
}

/** Base URL of callback URLs when none is configured. */
export const DEFAULT_PUBLIC_URL = 'http://127.0.0.1:3000';

/** The workflow code: the interpreter and the registry. */
export const workflowsPath = require.resolve('../workflows');

/** Workflow interceptor modules every bundle and every worker must load (`src/workflows/interceptors.ts`). */
export const workflowInterceptorModules: readonly string[] = [require.resolve('../workflows/interceptors')];

/** Bundles the workflow code with Cadenza's interceptors (tests and benchmarks build one bundle for many workers). */
export function bundleCadenzaWorkflows(options: Omit<BundleOptions, 'workflowsPath' | 'workflowInterceptorModules'> = {}): Promise<{ code: string }> {
  return bundleWorkflowCode({ ...options, workflowsPath, workflowInterceptorModules: [...workflowInterceptorModules] });
}

export async function createCadenzaWorker(options: CadenzaWorkerOptions): Promise<Worker> {
  const registry = ToolRegistry.withBuiltins(options.tools ?? [], options.http ? { http: options.http } : {});
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    // A prebuilt bundle carries the interceptors already (`bundleCadenzaWorkflows`).
    ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : { workflowsPath, interceptors: { workflowModules: [...workflowInterceptorModules] } }),
    // Events in and bulk operations talk to Temporal from activities, over the worker's own connection.
    activities: createActivities(registry, {
      client: new Client({ connection: options.connection, namespace: options.namespace }),
      taskQueue: options.taskQueue,
      publicUrl: options.publicUrl ?? DEFAULT_PUBLIC_URL,
    }),
    sinks: journalSinks(options.onJournalEvent ?? (() => undefined)),
    // Cancellation reaches an activity only through a heartbeat response: keep that short.
    maxHeartbeatThrottleInterval: '1s',
    shutdownGraceTime: '5s',
    ...options.tuning,
  });
}

function journalSinks(onEvent: (event: JournalEvent) => void): InjectedSinks<CadenzaSinks> {
  return {
    journal: {
      // Not during replay: a replayed event was handed over when it was first appended.
      appended: { fn: (_info, event) => onEvent(event), callDuringReplay: false },
    },
  };
}
