/**
 * An `approval` task (docs/design.md §14.3): the branch pauses with reason `approval_required` until an allowed
 * approver decides, or the timeout acts. A decision resumes the branch on `on_approve`/`on_reject`.
 */
import { msToNumber } from '@temporalio/common/lib/time';
import type { ApprovalTask } from '../definitions/schema';
import { renderTemplate } from '../definitions/templates';
import { issueCallback, settlingCallback } from './callbacks';
import { EventType } from './events';
import { Gate, type GateResolution } from './gates';
import type { JournalEntry } from './journal';
import { PauseReason, TaskStatus } from './states';
import { awaitCarried } from './carried-gate';
import type { GatedTaskPosition } from './flow-positions';
import type { TaskHost } from './task-host';
import type { TaskRun } from './task-run';

/** The output of an approval task (docs/design.md §4). */
export interface ApprovalOutput {
  decision: 'approve' | 'reject';
  approver: string;
  comment: string | null;
  data: unknown;
  decided_at: string;
}

/**
 * Runs the approval; returns the next task id, or `failed` when it timed out with `on_timeout: fail`.
 * In a continued execution (`from`), waits at the gate it carried for what is left of the timeout.
 */
export async function runApprovalTask(host: TaskHost, run: TaskRun, task: ApprovalTask, from?: GatedTaskPosition): Promise<{ next: string | undefined; failed: boolean }> {
  const carried = from === undefined ? undefined : host.gates.carried((g) => g.run === run);
  if (from !== undefined && carried !== undefined) return settleApproval(host, run, task, carried, await settlingCallback(host.callbacks, run.taskExecId, () => awaitCarried(host, carried, from)));
  let message: unknown;
  try {
    message = task.message === undefined ? null : renderTemplate(task.message, run.inboundContext, 'message');
  } catch (err) {
    host.tasks.fail(run, { message: err instanceof Error ? err.message : String(err), type: 'TemplateError', non_retryable: true });
    return { next: undefined, failed: true };
  }
  const timeoutMs = task.timeout === undefined ? undefined : msToNumber(task.timeout as Parameters<typeof msToNumber>[0]);
  const expiresAt = timeoutMs === undefined ? null : new Date(Date.now() + timeoutMs).toISOString();
  run.attempts = 1;
  run.startedAt = new Date().toISOString();
  run.status = TaskStatus.Waiting;
  run.input = { approvers: task.approvers ?? null, message, decision_schema: task.decision_schema ?? null, expires_at: expiresAt };
  host.tasks.record(run);
  const callbackUrl = host.behaviour.callbackUrls ? await issueCallback(host, run, 'approval') : null;
  const extra = callbackUrl === null ? {} : { callback_url: callbackUrl };
  host.journal.append({ type: EventType.ApprovalRequested, task_id: run.taskId, task_exec_id: run.taskExecId, data: { ...(run.input as Record<string, unknown>), ...extra } });
  const gate = host.openGate(
    new Gate(PauseReason.ApprovalRequired, run, run.taskId, run.branch, task.on_approve?.next ?? null, {
      approvers: task.approvers ?? null,
      message,
      expires_at: expiresAt,
      on_timeout: task.on_timeout ?? 'fail',
      ...extra,
    }),
  );
  const position = { at: 'in_task', task_id: run.taskId, run: run.taskExecId, inner: { at: 'approval', timeout_at: timeoutMs === undefined ? null : Date.now() + timeoutMs } } as const;
  return settleApproval(host, run, task, gate, await settlingCallback(host.callbacks, run.taskExecId, () => host.awaitGate(gate, timeoutMs, position)));
}

/** Ends the approval run as its gate was resolved: the decision, or the timeout's. */
function settleApproval(host: TaskHost, run: TaskRun, task: ApprovalTask, gate: Gate, resolution: GateResolution): { next: string | undefined; failed: boolean } {
  let output: ApprovalOutput;
  if (resolution.kind === 'decision') {
    output = { decision: resolution.decision, approver: resolution.approver, comment: resolution.comment, data: resolution.data, decided_at: resolution.decided_at };
  } else {
    const onTimeout = task.on_timeout ?? 'fail';
    if (onTimeout === 'fail') {
      host.tasks.fail(run, { message: `no decision within ${task.timeout ?? '?'}`, type: 'Timeout.approval', non_retryable: true }, { status: 'timed_out' });
      return { next: undefined, failed: true };
    }
    output = { decision: onTimeout, approver: 'system:timeout', comment: `no decision within ${task.timeout ?? '?'}`, data: null, decided_at: new Date().toISOString() };
  }
  // A decision was journaled by the command that made it; a timeout decides here.
  if (resolution.kind !== 'decision') host.journal.append(approvalDecidedEvent(gate, { kind: 'decision', ...output }));
  host.tasks.succeed(run, output);
  return { next: output.decision === 'approve' ? task.on_approve?.next : task.on_reject?.next, failed: false };
}

/** ApprovalDecided (docs/design.md §14.3), journaled when the decision is made. */
export function approvalDecidedEvent(gate: Gate, decision: Extract<GateResolution, { kind: 'decision' }>): JournalEntry {
  const { kind: _kind, ...output } = decision;
  return {
    type: EventType.ApprovalDecided,
    ...(gate.run !== null && { task_id: gate.run.taskId, task_exec_id: gate.run.taskExecId }),
    actor: decision.approver,
    data: output,
  };
}
