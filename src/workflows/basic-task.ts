/**
 * A `basic` task: resolve its input, then run its tool as an activity, one activity per attempt, with
 * the retry policy applied here so every attempt is journaled as it happens. Between attempts it
 * honours a manual pause; an immediate pause interrupts the attempt, which runs again on resume; a
 * tool's wait directive parks the task until a TaskResume brings data (docs/design.md §14.0).
 */
import { CancellationScope, isCancellation, sleep } from '@temporalio/workflow';
import type { BasicTask, WorkflowConfig } from '../definitions/schema';
import { renderTemplate } from '../definitions/templates';
import { resolveAgentInput } from './agent-setup';
import { runAgentTask } from './agent-task';
import type { TaskActivityResult } from './contracts';
import { firstOversize, WORKFLOW_MAX_TASK_INPUT_BYTES } from './payload-size';
import { EventType } from './events';
import { Gate } from './gates';
import type { BasicAttemptPosition, BasicWaitingPosition, FlowPosition, InTask } from './flow-positions';
import type { TaskHost } from './task-host';
import { effectiveRetryPolicy, retryDelayMs } from './retry-policy';
import { PauseReason, TaskStatus } from './states';
import { runsLocally, type TaskAttempt, taskAttempt } from './task-activity';
import { toTaskError } from './task-error';
import type { TaskRun } from './task-run';
import { wellFormed } from './well-formed';

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

/**
 * Runs a basic task whose input `resolveBasicInput` resolved; in a continued execution, goes on from
 * where it was parked (`from`: before an attempt, or at its wait directive's gate).
 */
export async function runBasicTask(
  host: TaskHost,
  run: TaskRun,
  task: BasicTask,
  config: WorkflowConfig | undefined,
  from?: BasicAttemptPosition | BasicWaitingPosition,
): Promise<void> {
  // An agent's loop has no parked positions: an execution does not continue as new while one runs.
  if (task.agent !== undefined) return runAgentTask(host, run, task, config);
  if (from === undefined) {
    if (run.inputError !== null) {
      run.attempts = 1;
      host.tasks.fail(run, { message: run.inputError, type: 'TemplateError', non_retryable: true });
      return;
    }
    const oversize = host.behaviour.boundedPayloads ? firstOversize([['input', run.input]], WORKFLOW_MAX_TASK_INPUT_BYTES) : undefined;
    if (oversize) {
      // Scheduling it would make Temporal refuse the workflow task: the task fails instead, repairable.
      run.attempts = 1;
      host.tasks.fail(run, {
        message: `the resolved input of task "${run.taskId}" is ${oversize.size_bytes} bytes of JSON, more than the ${oversize.limit_bytes} an activity input may have (Temporal's blob limit is 2 MiB); retry it with a smaller input or skip it`,
        type: 'input_too_large',
        non_retryable: true,
        details: { ...oversize, limit: 'WORKFLOW_MAX_TASK_INPUT_BYTES' },
      });
      return;
    }
    host.tasks.record(run);
  }

  const policy = effectiveRetryPolicy(task.retry, config?.retry);
  const { executionId, workflowId } = host.identity;
  const parked = (inner: BasicAttemptPosition | BasicWaitingPosition): InTask<typeof inner> => ({ at: 'in_task', task_id: run.taskId, run: run.taskExecId, inner });
  let failures = from?.failures ?? 0;
  let resume: unknown = from?.at === 'basic_attempt' ? from.resume : undefined;
  let attempt = from?.attempt ?? 1;
  if (from?.at === 'basic_waiting') {
    resume = await waitForResume(host, run, task, undefined, parked({ at: 'basic_waiting', attempt, failures }));
    attempt++;
  } else if (from?.not_before !== undefined && from.not_before > Date.now()) {
    const notBefore = from.not_before;
    await host.parkWhile(run.branch, parked(from), () => true, () => sleep(notBefore - Date.now()));
  }
  let local: boolean | undefined;

  for (; ; attempt++) {
    await host.holdIfPaused(task.id, run.branch, parked({ at: 'basic_attempt', attempt, failures, ...(resume !== undefined && { resume }) }));
    run.attempts = attempt;
    run.status = TaskStatus.Running;
    host.tasks.record(run);
    // Decided once per run, right before its first dispatch (a tool's own declaration is patched in).
    local ??= runsLocally(task, host.behaviour);
    host.journal.append({ type: EventType.TaskDispatched, task_id: run.taskId, task_exec_id: run.taskExecId, attempt, data: { tool: task.tool, ...(local && { local }) } });
    host.refreshStatus();
    const runTask: TaskAttempt = taskAttempt(task, config, local, activityId(run.taskId, run.runNumber, attempt), `${task.tool} · ${run.taskId}`);
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
      const backoff = parked({ at: 'basic_attempt', attempt: attempt + 1, failures, ...(resume !== undefined && { resume }), not_before: Date.now() + delayMs });
      await host.parkWhile(run.branch, backoff, () => true, () => sleep(delayMs));
      continue;
    } finally {
      host.untrackAttempt(inFlight);
    }
    markStarted(host, run, attempt, result.started_at);
    if (result.wait === undefined) {
      host.tasks.succeed(run, result.output);
      return;
    }
    resume = await waitForResume(host, run, task, result.wait, parked({ at: 'basic_waiting', attempt, failures }));
  }
}

/**
 * Parks the task on a `waiting_for_signal` gate until a TaskResume brings data (docs/design.md §14.0);
 * without `wait`, at the gate a continued execution carried.
 */
async function waitForResume(host: TaskHost, run: TaskRun, task: BasicTask, wait: TaskActivityResult['wait'], position: FlowPosition): Promise<unknown> {
  const carried = wait === undefined ? host.gates.carried((g) => g.run === run) : undefined;
  if (wait !== undefined) {
    run.status = TaskStatus.Waiting;
    host.tasks.record(run);
    host.journal.append({
      type: EventType.TaskWaitingStarted,
      task_id: run.taskId,
      task_exec_id: run.taskExecId,
      attempt: run.attempts,
      data: { wait_reason: wait.wait_reason, resume_conditions: wait.resume_conditions ?? {} },
    });
  }
  const gate =
    carried ??
    host.openGate(
      new Gate(PauseReason.WaitingForSignal, run, run.taskId, run.branch, task.on_success?.next ?? null, {
        wait_reason: wait?.wait_reason ?? 'waiting',
        resume_conditions: wait?.resume_conditions ?? {},
        ...(wait?.resume_schema !== undefined && { resume_schema: wait.resume_schema }),
      }),
    );
  const resolution = await host.awaitGate(gate, undefined, position);
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

/**
 * Readable in the Web UI: the task id, suffixed only for re-runs and retries. Well-formed: a task id
 * with a lone surrogate (a definition started past the API) would otherwise stop the worker; no such
 * id was ever recorded, so no history changes.
 */
function activityId(taskId: string, runNumber: number, attempt: number): string {
  return `${wellFormed(taskId)}${runNumber > 1 ? `#run${runNumber}` : ''}${attempt > 1 ? `#attempt${attempt}` : ''}`;
}

