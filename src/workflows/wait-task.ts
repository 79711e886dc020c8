/**
 * A `wait` task (docs/design.md §14.0): waits for a named signal whose payload satisfies the CEL condition, or for a
 * TaskResume; its output is the data that woke it. A timeout follows `on_timeout`. Also what any
 * `waiting_for_signal` gate is resumed with: the condition check and the TaskWaitingResumed event.
 */
import { msToNumber } from '@temporalio/common/lib/time';
import { evaluateExpression } from '../definitions/expressions';
import type { WaitTask } from '../definitions/schema';
import { issueCallback, settlingCallback } from './callbacks';
import { awaitCarried } from './carried-gate';
import { correlationKey, registerCorrelation } from './correlated-wait';
import { EventType } from './events';
import type { GatedTaskPosition } from './flow-positions';
import { Gate, type GateResolution } from './gates';
import type { JournalEntry } from './journal';
import { PauseReason, TaskStatus } from './states';
import { errorMessage } from './task-error';
import type { TaskHost } from './task-host';
import type { TaskRun } from './task-run';

/** Runs the wait; `takeBufferedSignal` resolves its gate with a signal that came before it waited. */
export async function runWaitTask(
  host: TaskHost,
  run: TaskRun,
  task: WaitTask,
  takeBufferedSignal: (gate: Gate) => void,
  from?: GatedTaskPosition,
): Promise<{ next: string | undefined; failed: boolean }> {
  const carried = from === undefined ? undefined : host.gates.carried((g) => g.run === run);
  if (from !== undefined && carried !== undefined) {
    // The registration may have been lost with the run that scheduled it (the mailbox ignores a repeat).
    const key = carried.data.correlate;
    const expiresAt = from.timeout_at === null ? null : new Date(from.timeout_at).toISOString();
    const withdraw = typeof key === 'string' ? registerCorrelation(host.identity.executionId, run, task.wait_for, key, expiresAt) : undefined;
    return settleWait(host, run, task, await closingWait(host, run, withdraw, () => awaitCarried(host, carried, from)));
  }
  const timeoutMs = task.timeout === undefined ? undefined : msToNumber(task.timeout as Parameters<typeof msToNumber>[0]);
  const waitReason = task.description ?? `waiting for signal "${task.wait_for}"`;
  const resumeConditions = { signal: task.wait_for, condition: task.condition ?? null, resume_schema: task.resume_schema ?? null };
  run.attempts = 1;
  run.startedAt = new Date().toISOString();
  run.status = TaskStatus.Waiting;
  host.tasks.record(run);
  let key: string | undefined;
  try {
    key = task.correlate === undefined ? undefined : correlationKey({ ...task, correlate: task.correlate }, run);
  } catch (err) {
    host.tasks.fail(run, { message: errorMessage(err), type: 'CorrelationError', non_retryable: true });
    return { next: undefined, failed: true };
  }
  const callbackUrl = host.behaviour.callbackUrls ? await issueCallback(host, run, 'wait') : null;
  const extra = { ...(key !== undefined && { correlate: key }), ...(callbackUrl !== null && { callback_url: callbackUrl }) };
  host.journal.append({
    type: EventType.TaskWaitingStarted,
    task_id: run.taskId,
    task_exec_id: run.taskExecId,
    data: { wait_reason: waitReason, resume_conditions: resumeConditions, timeout: task.timeout ?? null, ...extra },
  });
  const gate = new Gate(PauseReason.WaitingForSignal, run, run.taskId, run.branch, task.on_success?.next ?? null, {
    wait_for: task.wait_for,
    wait_reason: waitReason,
    resume_conditions: resumeConditions,
    ...(task.condition !== undefined && { condition: task.condition }),
    ...(task.resume_schema !== undefined && { resume_schema: task.resume_schema }),
    ...extra,
  });
  // A signal that arrived before the task started waiting is not lost. It is taken before the gate
  // opens, so the execution does not flicker through paused (and journal a pause) for data it has.
  takeBufferedSignal(gate);
  host.openGate(gate);
  const timeoutAt = timeoutMs === undefined ? null : Date.now() + timeoutMs;
  const position = { at: 'in_task', task_id: run.taskId, run: run.taskExecId, inner: { at: 'wait', timeout_at: timeoutAt } } as const;
  const expiresAt = timeoutAt === null ? null : new Date(timeoutAt).toISOString();
  const withdraw = key !== undefined && gate.open ? registerCorrelation(host.identity.executionId, run, task.wait_for, key, expiresAt) : undefined;
  return settleWait(host, run, task, await closingWait(host, run, withdraw, () => host.awaitGate(gate, timeoutMs, position)));
}

/** Waits at the gate; once it closed, however it closed, the run's callback expires and the wait leaves its mailbox. */
async function closingWait(host: TaskHost, run: TaskRun, withdraw: (() => Promise<void>) | undefined, wait: () => Promise<GateResolution>): Promise<GateResolution> {
  try {
    return await settlingCallback(host.callbacks, run.taskExecId, wait);
  } finally {
    if (withdraw !== undefined) await withdraw();
  }
}

/** Ends the wait run as its gate was resolved: with the data that woke it, or by its timeout. */
function settleWait(host: TaskHost, run: TaskRun, task: WaitTask, resolution: GateResolution): { next: string | undefined; failed: boolean } {
  if (resolution.kind !== 'resume_data') {
    host.journal.append({ type: EventType.TaskWaitingTimedOut, task_id: run.taskId, task_exec_id: run.taskExecId, data: { timeout: task.timeout ?? null, next: task.on_timeout?.next ?? null } });
    const error = { message: `no signal "${task.wait_for}" within ${task.timeout ?? '?'}`, type: 'Timeout.wait', non_retryable: true };
    host.tasks.fail(run, error, { status: 'timed_out' });
    // With on_timeout.next the flow goes on; without it the timeout is a failure of the branch.
    return task.on_timeout?.next !== undefined ? { next: task.on_timeout.next, failed: false } : { next: undefined, failed: true };
  }
  // TaskWaitingResumed was journaled when the data arrived.
  run.resumeData = resolution.data;
  host.tasks.succeed(run, resolution.data);
  return { next: task.on_success?.next, failed: false };
}

/**
 * Whether `payload` meets the condition of a waiting gate, evaluated in `scope` with `signal` set to
 * the signal's name and payload; a gate without a condition takes any payload, and a condition that
 * cannot be evaluated is not met.
 */
export function meetsWaitCondition(gate: Gate, payload: unknown, scope: Record<string, unknown>): boolean {
  const source = gate.data.condition;
  if (typeof source !== 'string') return true;
  try {
    return evaluateExpression(source, { ...scope, signal: { name: gate.data.wait_for, payload } }) === true;
  } catch {
    return false;
  }
}

/** TaskWaitingResumed for a wait gate (docs/design.md §14.0), journaled when the data arrives. */
export function waitingResumedEvent(gate: Gate, data: unknown, actor: string | null, via: string): JournalEntry {
  return {
    type: EventType.TaskWaitingResumed,
    ...(gate.run !== null && { task_id: gate.run.taskId, task_exec_id: gate.run.taskExecId }),
    ...(actor !== null && { actor }),
    data: { resume_data: data, via },
  };
}
