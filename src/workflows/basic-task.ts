/**
 * A `basic` task: resolve its input, then run its tool as an activity, one activity per attempt, with
 * the retry policy applied here so every attempt is journaled as it happens. Between attempts it
 * honours a manual pause; an immediate pause interrupts the attempt, which runs again on resume; a
 * tool's wait directive parks the task until a TaskResume brings data (docs/design.md §14.0).
 */
import { ActivityCancellationType, CancellationScope, isCancellation, proxyActivities, sleep } from '@temporalio/workflow';
import { msToNumber } from '@temporalio/common/lib/time';
import type { CadenzaActivities } from '../activities';
import type { BasicTask, WorkflowConfig } from '../definitions/schema';
import { renderTemplate } from '../definitions/templates';
import { resolveAgentInput } from './agent-setup';
import { runAgentTask } from './agent-task';
import type { TaskActivityResult } from './contracts';
import { EventType } from './events';
import { Gate } from './gates';
import type { TaskHost } from './task-host';
import { effectiveRetryPolicy, retryDelayMs } from './retry-policy';
import { PauseReason, TaskStatus } from './states';
import { toTaskError } from './task-error';
import type { TaskRun } from './task-run';

const DEFAULT_TASK_TIMEOUT = '5m';
const DEFAULT_HEARTBEAT_TIMEOUT = '30s';

/** An input that replaces the resolved one (a `retry` repair with `tasks.<id>.input`). */
export interface InputOverride {
  value: unknown;
}

/** Resolves a basic task's input when it is scheduled, so TaskScheduled can carry it (docs/design.md §14.1). */
export function resolveBasicInput(run: TaskRun, task: BasicTask, override?: InputOverride, previous?: TaskRun): void {
  if (task.agent !== undefined) return resolveAgentInput(run, task, override, previous);
  if (override !== undefined) {
    run.input = override.value;
    return;
  }
  try {
    run.input = renderTemplate(task.with ?? {}, run.inboundContext, 'with');
  } catch (err) {
    run.inputError = err instanceof Error ? err.message : String(err);
  }
}

/** Runs a basic task whose input `resolveBasicInput` resolved. */
export async function runBasicTask(host: TaskHost, run: TaskRun, task: BasicTask, config: WorkflowConfig | undefined): Promise<void> {
  if (task.agent !== undefined) return runAgentTask(host, run, task, config);
  if (run.inputError !== null) {
    run.attempts = 1;
    host.tasks.fail(run, { message: run.inputError, type: 'TemplateError', non_retryable: true });
    return;
  }
  host.tasks.record(run);

  const policy = effectiveRetryPolicy(task.retry, config?.retry);
  const timeout = task.timeout ?? config?.task_timeout ?? DEFAULT_TASK_TIMEOUT;
  const heartbeatTimeout = task.heartbeat_timeout ?? config?.heartbeat_timeout ?? DEFAULT_HEARTBEAT_TIMEOUT;
  const { executionId, workflowId } = host.identity;
  let failures = 0;
  let resume: unknown;

  for (let attempt = 1; ; attempt++) {
    await host.holdIfPaused(task.id, run.branch);
    run.attempts = attempt;
    run.status = TaskStatus.Running;
    host.tasks.record(run);
    host.journal.append({ type: EventType.TaskDispatched, task_id: run.taskId, task_exec_id: run.taskExecId, attempt, data: { tool: task.tool } });
    host.refreshStatus();
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
    const attemptScope = new CancellationScope();
    const inFlight = host.trackAttempt(run, attemptScope);
    let result: TaskActivityResult;
    try {
      result = await attemptScope.run(() =>
        runTask({
          tool: task.tool ?? '',
          input: run.input,
          execution_id: executionId,
          workflow_id: workflowId,
          task_id: run.taskId,
          task_exec_id: run.taskExecId,
          attempt,
          idempotency_key: `${executionId}:${run.taskExecId}`,
          ...(resume !== undefined && { resume }),
        }),
      );
    } catch (err) {
      if (isCancellation(err)) {
        if (inFlight.interruptedByPause) {
          // An immediate pause stopped this attempt: it runs again once the pause is lifted.
          run.status = TaskStatus.Scheduled;
          host.tasks.record(run);
          host.journal.append({ type: EventType.TaskExecutionCancelled, task_id: run.taskId, task_exec_id: run.taskExecId, attempt, data: { reason: 'paused', will_rerun: true } });
          continue;
        }
        host.tasks.cancel(run, 'cancelled');
        throw err;
      }
      const { error, startedAt } = toTaskError(err);
      if (startedAt !== undefined) markStarted(host, run, attempt, startedAt);
      failures++;
      const retryable = !error.non_retryable && !policy.nonRetryableErrors.includes(error.type ?? '') && failures < policy.maximumAttempts;
      if (!retryable) {
        host.tasks.fail(run, error);
        return;
      }
      run.error = error;
      host.journal.append({ type: EventType.TaskExecutionFailed, task_id: run.taskId, task_exec_id: run.taskExecId, attempt, data: { error, final: false } });
      const delayMs = retryDelayMs(policy, failures);
      host.journal.append({
        type: EventType.TaskRetryScheduled,
        task_id: run.taskId,
        task_exec_id: run.taskExecId,
        attempt,
        data: { next_attempt: attempt + 1, delay_ms: delayMs, maximum_attempts: policy.maximumAttempts, error },
      });
      run.status = TaskStatus.Scheduled;
      host.refreshStatus();
      await sleep(delayMs);
      continue;
    } finally {
      host.untrackAttempt(inFlight);
    }
    markStarted(host, run, attempt, result.started_at);
    if (result.wait === undefined) {
      host.tasks.succeed(run, result.output);
      return;
    }
    resume = await waitForResume(host, run, task, result.wait);
  }
}

/** Parks the task on a `waiting_for_signal` gate until a TaskResume brings data (docs/design.md §14.0). */
async function waitForResume(host: TaskHost, run: TaskRun, task: BasicTask, wait: NonNullable<TaskActivityResult['wait']>): Promise<unknown> {
  run.status = TaskStatus.Waiting;
  host.tasks.record(run);
  host.journal.append({
    type: EventType.TaskWaitingStarted,
    task_id: run.taskId,
    task_exec_id: run.taskExecId,
    attempt: run.attempts,
    data: { wait_reason: wait.wait_reason, resume_conditions: wait.resume_conditions ?? {} },
  });
  const gate = host.openGate(
    new Gate(PauseReason.WaitingForSignal, run, run.taskId, run.branch, task.on_success?.next ?? null, {
      wait_reason: wait.wait_reason,
      resume_conditions: wait.resume_conditions ?? {},
      ...(wait.resume_schema !== undefined && { resume_schema: wait.resume_schema }),
    }),
  );
  const resolution = await host.awaitGate(gate);
  const data = resolution.kind === 'resume_data' ? resolution.data : null;
  run.resumeData = data;
  run.status = TaskStatus.Scheduled;
  // TaskWaitingResumed was journaled when the data arrived.
  host.tasks.record(run);
  host.refreshStatus();
  return data;
}

function markStarted(host: TaskHost, run: TaskRun, attempt: number, startedAt: string): void {
  run.startedAt ??= startedAt;
  host.journal.append({ type: EventType.TaskExecutionStarted, task_id: run.taskId, task_exec_id: run.taskExecId, attempt, time: startedAt, data: {} });
}

/** Readable in the Web UI: the task id, suffixed only for re-runs and retries. */
function activityId(taskId: string, runNumber: number, attempt: number): string {
  return `${taskId}${runNumber > 1 ? `#run${runNumber}` : ''}${attempt > 1 ? `#attempt${attempt}` : ''}`;
}

