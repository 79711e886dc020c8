/**
 * A Cadenza worker on its own task queue, using the workflow bundle the global setup built once.
 */
import { randomUUID } from 'node:crypto';
import { NativeConnection, type Worker } from '@temporalio/worker';
import type { HttpToolOptions } from '../../../src/activities/tools/http';
import type { Tool } from '../../../src/activities/tools/tool';
import type { TaskSizeLimits } from '../../../src/limits/size-limits';
import { type CadenzaWorkerOptions, createCadenzaWorker } from '../../../src/worker/create-worker';
import { requireTestEnv, TestEnv, testNamespace } from './test-environment';

export interface TestWorkerOptions {
  /** Tools besides the built-ins. */
  tools?: Tool[];
  /** Egress policy and response cap of the built-in `http` tool (default: everything allowed, 512 KiB). */
  http?: HttpToolOptions;
  /** Task input and output size limits (default: 512 KiB each). */
  limits?: TaskSizeLimits;
  /** Defaults to a fresh queue, so test files never steal each other's tasks. */
  taskQueue?: string;
  tuning?: CadenzaWorkerOptions['tuning'];
}

export interface TestWorker {
  worker: Worker;
  taskQueue: string;
  /** Settles when the worker stops; rejects if it crashed. */
  run: Promise<void>;
  /** Stops polling, waits for the worker to finish, closes its connection. Safe to call twice. */
  shutdown(): Promise<void>;
}

export async function startTestWorker(options: TestWorkerOptions = {}): Promise<TestWorker> {
  const connection = await NativeConnection.connect({ address: requireTestEnv(TestEnv.Address) });
  const taskQueue = options.taskQueue ?? `test-${randomUUID()}`;
  let worker: Worker;
  try {
    worker = await createCadenzaWorker({
      connection,
      namespace: testNamespace(),
      taskQueue,
      workflowBundle: { codePath: requireTestEnv(TestEnv.WorkflowBundle) },
      ...(options.tools ? { tools: options.tools } : {}),
      ...(options.http ? { http: options.http } : {}),
      ...(options.limits ? { limits: options.limits } : {}),
      ...(options.tuning ? { tuning: options.tuning } : {}),
    });
  } catch (error) {
    await connection.close();
    throw error;
  }
  const run = worker.run();
  // Reported by whoever awaits `run` or `shutdown()`; never an unhandled rejection.
  run.catch(() => undefined);
  let stopping: Promise<void> | undefined;
  const shutdown = (): Promise<void> =>
    (stopping ??= (async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      try {
        await run;
      } finally {
        await connection.close();
      }
    })());
  return { worker, taskQueue, run, shutdown };
}
