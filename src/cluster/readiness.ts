/**
 * Readiness probes of the cluster's processes, polled until they pass or the probe is aborted: a
 * Temporal frontend answers gRPC health checks, a worker process polls its task queue (its pid is in
 * the poller identity the SDK sends, `<pid>@<host>`), an API node answers `GET /readyz`.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { connectTemporal } from '../temporal/client-connection';
import { grpc } from '@temporalio/proto';

const POLL_MS = 500;

/** Polls `check` until it returns true; stops quietly when `signal` aborts. */
export async function pollUntil(signal: AbortSignal, check: () => Promise<boolean>): Promise<void> {
  while (!signal.aborted) {
    if (await check().catch(() => false)) return;
    await sleep(POLL_MS, undefined, { signal }).catch(() => undefined);
  }
}

/** The frontend at `address` serves (gRPC health SERVING and the namespace API answering). */
export function temporalServing(address: string, signal: AbortSignal): Promise<void> {
  return pollUntil(signal, async () => {
    const connection = await connectTemporal({ address, connectTimeout: 2_000 });
    try {
      const health = await connection.healthService.check({ service: 'temporal.api.workflowservice.v1.WorkflowService' });
      return health.status === grpc.health.v1.HealthCheckResponse.ServingStatus.SERVING;
    } finally {
      await connection.close();
    }
  });
}

/** A worker whose identity starts with `<pid>@` polls `taskQueue` (workflow tasks) through `address`. */
export function workerPolling(address: string, namespace: string, taskQueue: string, pid: number, signal: AbortSignal): Promise<void> {
  return pollUntil(signal, async () => {
    const connection = await connectTemporal({ address, connectTimeout: 2_000 });
    try {
      const described = await connection.workflowService.describeTaskQueue({ namespace, taskQueue: { name: taskQueue }, taskQueueType: 1 });
      return (described.pollers ?? []).some((poller) => poller.identity?.startsWith(`${pid}@`) === true);
    } finally {
      await connection.close();
    }
  });
}

/** `GET <url>/readyz` answers 200. */
export function httpReady(url: string, signal: AbortSignal): Promise<void> {
  return pollUntil(signal, async () => {
    const response = await fetch(`${url}/readyz`, { signal: AbortSignal.any([signal, AbortSignal.timeout(2_000)]) });
    await response.body?.cancel();
    return response.status === 200;
  });
}
