/**
 * The activity that runs one attempt of a `basic` task: through the task queue (a Temporal activity)
 * or, for a local task, as a Temporal local activity in this worker (docs/design.md §13). Both call
 * the same `runTask` with the same request, give up after one try (the interpreter drives retries,
 * see retry-policy.ts) and wait for a cancelled attempt to stop before reporting it.
 */
import { ActivityCancellationType, proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import { msToNumber } from '@temporalio/common/lib/time';
import type { CadenzaActivities } from '../activities';
import { localityOf, localTimeoutMs } from '../definitions/local-tasks';
import type { BasicTask, WorkflowConfig } from '../definitions/schema';
import type { TaskActivityRequest, TaskActivityResult } from './contracts';
import { type ExecutionBehaviour, localToolsApply } from './execution-behaviour';

const DEFAULT_TASK_TIMEOUT = '5m';
const DEFAULT_HEARTBEAT_TIMEOUT = '30s';

/** Runs one attempt. */
export type TaskAttempt = (request: TaskActivityRequest) => Promise<TaskActivityResult>;

/**
 * Whether the task runs locally. A tool's own declaration (`echo`) applies to executions started with
 * `cadenza-local-tools-2`, and to those recorded before it that reached the task with
 * `cadenza-local-tools-1` (see execution-behaviour.ts); older ones replay their echo tasks as
 * ordinary activities.
 */
export function runsLocally(task: BasicTask, behaviour: ExecutionBehaviour): boolean {
  const locality = localityOf(task);
  return locality === 'local' || (locality === 'tool_default' && localToolsApply(behaviour));
}

/** The activity of one attempt; `activityId` names it in the Web UI (an ordinary activity only). */
export function taskAttempt(task: BasicTask, config: WorkflowConfig | undefined, local: boolean, activityId: string, summary: string): TaskAttempt {
  if (local) {
    return proxyLocalActivities<CadenzaActivities>({
      summary,
      startToCloseTimeout: localTimeoutMs(task, config?.task_timeout),
      retry: { maximumAttempts: 1 },
      cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
    }).runTask;
  }
  const timeout = task.timeout ?? config?.task_timeout ?? DEFAULT_TASK_TIMEOUT;
  const heartbeatTimeout = task.heartbeat_timeout ?? config?.heartbeat_timeout ?? DEFAULT_HEARTBEAT_TIMEOUT;
  return proxyActivities<CadenzaActivities>({
    activityId,
    summary,
    startToCloseTimeout: timeout,
    // Never longer than the attempt itself: a shorter heartbeat timeout detects a lost worker sooner.
    heartbeatTimeout: msToNumber(heartbeatTimeout) < msToNumber(timeout) ? heartbeatTimeout : undefined,
    // Attempts are driven by the interpreter (see retry-policy.ts), not by the server.
    retry: { maximumAttempts: 1 },
    // A cancelled task has really stopped before the journal says so.
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  }).runTask;
}
