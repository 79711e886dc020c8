/**
 * Readiness (`GET /readyz`): Temporal answers, and at least one worker polls the Cadenza task queue
 * for workflow tasks (queries and updates need one) and for activity tasks (tasks need one).
 */
import { type Client, isGrpcServiceError } from '@temporalio/client';
import { optionalTsToMs } from '@temporalio/common/lib/time';
import { TemporalUnavailable, WorkerUnavailable } from '../errors/problems';
import type { ReadinessResponse } from './schemas/health';

/** A poller not seen for this long is gone (a live one re-polls at least every ~70 s of long poll). */
const POLLER_FRESHNESS_MS = 90_000;
const CHECK_DEADLINE_MS = 3000;

// Values of temporal.api.enums.v1.TaskQueueType / TaskQueueKind (@temporalio/proto is not a direct dependency).
const TASK_QUEUE_TYPE_WORKFLOW = 1;
const TASK_QUEUE_TYPE_ACTIVITY = 2;
const TASK_QUEUE_KIND_NORMAL = 1;

/** Resolves when ready; throws `TemporalUnavailable` or `WorkerUnavailable` otherwise. */
export async function checkReadiness(client: Client, taskQueue: string, now: () => number = Date.now): Promise<ReadinessResponse> {
  const count = async (taskQueueType: number): Promise<number> => {
    const response = await client.withDeadline(Date.now() + CHECK_DEADLINE_MS, () =>
      client.workflowService.describeTaskQueue({
        namespace: client.options.namespace,
        taskQueue: { name: taskQueue, kind: TASK_QUEUE_KIND_NORMAL },
        taskQueueType,
      }),
    );
    return (response.pollers ?? []).filter((p) => {
      const lastSeen = optionalTsToMs(p.lastAccessTime);
      return lastSeen !== undefined && now() - lastSeen < POLLER_FRESHNESS_MS;
    }).length;
  };
  let workflow: number;
  let activity: number;
  try {
    [workflow, activity] = await Promise.all([count(TASK_QUEUE_TYPE_WORKFLOW), count(TASK_QUEUE_TYPE_ACTIVITY)]);
  } catch (error) {
    const reason = isGrpcServiceError(error) ? error.details || error.message : error instanceof Error ? error.message : String(error);
    throw new TemporalUnavailable(`Temporal did not answer: ${reason}`, error);
  }
  if (workflow === 0 || activity === 0) {
    throw new WorkerUnavailable(`no Cadenza worker polls task queue "${taskQueue}"`, { task_queue: taskQueue, pollers: { workflow, activity } });
  }
  return { status: 'ready', task_queue: taskQueue, pollers: { workflow, activity } };
}
