/**
 * A `basic` task: resolve its input, then run its tool as an activity, one activity per attempt,
 * with the retry policy applied here so every attempt is journaled as it happens.
 */
import { ActivityCancellationType, isCancellation, proxyActivities, sleep } from '@temporalio/workflow';
import { msToNumber } from '@temporalio/common/lib/time';
import type { CadenzaActivities } from '../activities';
import type { BasicTask, WorkflowConfig } from '../definitions/schema';
import { renderTemplate } from '../definitions/templates';
import type { TaskError } from './contracts';
import { EventType } from './events';
import type { Journal } from './journal';
import { effectiveRetryPolicy, retryDelayMs } from './retry-policy';
import { TaskStatus } from './states';
import { toTaskError } from './task-error';
import type { TaskRun } from './task-run';

/** What a task needs from the execution it runs in. */
export interface TaskHost {
  readonly journal: Journal;
  readonly identity: { executionId: string; workflowId: string };
  succeedTask(run: TaskRun, output: unknown): void;
  failTask(run: TaskRun, error: TaskError): void;
  cancelTask(run: TaskRun, reason: string): void;
  recordTask(run: TaskRun): void;
}

const DEFAULT_TASK_TIMEOUT = '5m';
const DEFAULT_HEARTBEAT_TIMEOUT = '30s';

export async function runBasicTask(host: TaskHost, run: TaskRun, task: BasicTask, config: WorkflowConfig | undefined): Promise<void> {
  try {
    run.input = renderTemplate(task.with ?? {}, run.inboundContext, 'with');
  } catch (err) {
    run.attempts = 1;
    host.failTask(run, { message: err instanceof Error ? err.message : String(err), type: 'TemplateError', non_retryable: true });
    return;
  }
  host.recordTask(run);

  const policy = effectiveRetryPolicy(task.retry, config?.retry);
  const timeout = task.timeout ?? config?.task_timeout ?? DEFAULT_TASK_TIMEOUT;
  const heartbeatTimeout = task.heartbeat_timeout ?? config?.heartbeat_timeout ?? DEFAULT_HEARTBEAT_TIMEOUT;
  const { executionId, workflowId } = host.identity;

  for (let attempt = 1; ; attempt++) {
    run.attempts = attempt;
    run.status = TaskStatus.Running;
    host.recordTask(run);
    host.journal.append({ type: EventType.TaskDispatched, task_id: run.taskId, task_exec_id: run.taskExecId, attempt, data: { tool: task.tool } });
    const { runTask } = proxyActivities<CadenzaActivities>({
      activityId: activityId(run.taskId, run.runNumber, attempt),
      summary: `${task.tool} · ${run.taskId}`,
      startToCloseTimeout: timeout,
      // Never longer than the attempt itself: a shorter heartbeat timeout detects a lost worker sooner.
      heartbeatTimeout: msToNumber(heartbeatTimeout) < msToNumber(timeout) ? heartbeatTimeout : undefined,
      // Attempts are driven by the interpreter (see retry-policy.ts), not by the server.
      retry: { maximumAttempts: 1 },
      // A cancelled task has really stopped before the journal says so.
      cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
    });
    try {
      const result = await runTask({
        tool: task.tool,
        input: run.input,
        execution_id: executionId,
        workflow_id: workflowId,
        task_id: run.taskId,
        task_exec_id: run.taskExecId,
        attempt,
        idempotency_key: `${executionId}:${run.taskExecId}`,
      });
      markStarted(host, run, attempt, result.started_at);
      host.succeedTask(run, result.output);
      return;
    } catch (err) {
      if (isCancellation(err)) {
        host.cancelTask(run, 'cancelled');
        throw err;
      }
      const { error, startedAt } = toTaskError(err);
      if (startedAt !== undefined) markStarted(host, run, attempt, startedAt);
      const retryable = !error.non_retryable && !policy.nonRetryableErrors.includes(error.type ?? '') && attempt < policy.maximumAttempts;
      if (!retryable) {
        host.failTask(run, error);
        return;
      }
      run.error = error;
      host.journal.append({ type: EventType.TaskExecutionFailed, task_id: run.taskId, task_exec_id: run.taskExecId, attempt, data: { error, final: false } });
      const delayMs = retryDelayMs(policy, attempt);
      host.journal.append({
        type: EventType.TaskRetryScheduled,
        task_id: run.taskId,
        task_exec_id: run.taskExecId,
        attempt,
        data: { next_attempt: attempt + 1, delay_ms: delayMs, maximum_attempts: policy.maximumAttempts, error },
      });
      await sleep(delayMs);
    }
  }
}

function markStarted(host: TaskHost, run: TaskRun, attempt: number, startedAt: string): void {
  run.startedAt ??= startedAt;
  host.journal.append({ type: EventType.TaskExecutionStarted, task_id: run.taskId, task_exec_id: run.taskExecId, attempt, time: startedAt, data: {} });
}

/** Readable in the Web UI: the task id, suffixed only for re-runs and retries. */
function activityId(taskId: string, runNumber: number, attempt: number): string {
  return `${taskId}${runNumber > 1 ? `#run${runNumber}` : ''}${attempt > 1 ? `#attempt${attempt}` : ''}`;
}
