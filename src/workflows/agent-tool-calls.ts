/**
 * The tool calls of an agent (docs/design.md §8), each its own activity (`<task>/tool/<name>#<call>`)
 * with an idempotency key fixed when the model asked for it, so a retried, replayed or resumed call
 * carries the same key and a completed one is never run again. A tool in `approve_tools` waits at an
 * approval gate first: approve runs it (with `data.arguments` when the approver edited them), reject
 * gives the refusal back to the model as the tool's result.
 */
import { isCancellation } from '@temporalio/workflow';
import type { Agent } from '../definitions/schema';
import type { AgentLoopState, AgentMessageToolCall, AgentToolCall } from './agent-contracts';
import type { AgentSteps } from './agent-steps';
import { approvalDecidedEvent } from './approval-task';
import { EventType } from './events';
import { Gate } from './gates';
import { PauseReason } from './states';
import type { TaskHost } from './task-host';
import { toTaskError } from './task-error';
import type { TaskRun } from './task-run';

/** Longest call id kept in an activity id. */
const MAX_KEY = 64;

/** Records the tool calls of one model answer as pending (or failed at once when they cannot run). */
export function recordToolCalls(state: AgentLoopState, agent: Agent, calls: readonly AgentMessageToolCall[], idPrefix: string): void {
  const allowed = new Set(agent.tools ?? []);
  for (const call of calls) {
    const base = call.id.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, MAX_KEY) || 'call';
    let key = base;
    for (let n = 2; state.tool_calls.some((c) => c.key === key); n++) key = `${base}~${n}`;
    const record: AgentToolCall = {
      id: call.id,
      name: call.function.name,
      arguments: null,
      raw_arguments: call.function.arguments,
      turn: state.turns,
      key,
      idempotency_key: `${idPrefix}:${key}`,
      status: 'pending',
      approval: null,
      result: null,
      error: null,
      answered: false,
    };
    try {
      record.arguments = call.function.arguments.trim() === '' ? {} : JSON.parse(call.function.arguments);
    } catch {
      record.status = 'failed';
      record.error = { message: `the arguments of the call are not valid JSON: ${call.function.arguments.slice(0, 200)}`, type: 'ToolArgumentsInvalid', non_retryable: true };
    }
    if (!allowed.has(call.function.name)) {
      record.status = 'failed';
      record.error = { message: `tool "${call.function.name}" is not available (available: ${[...allowed].join(', ') || 'none'})`, type: 'ToolNotAllowed', non_retryable: true };
    }
    state.tool_calls.push(record);
  }
}

/** Runs every tool call not yet answered, in order; false when an immediate pause interrupted one. */
export async function answerToolCalls(host: TaskHost, run: TaskRun, agent: Agent, state: AgentLoopState, steps: AgentSteps): Promise<boolean> {
  for (const call of state.tool_calls) {
    if (answered(state, call)) continue;
    if (call.status === 'failed' && call.error !== null) {
      // A call that could not run (bad arguments, unknown tool): the model is told why.
      journalTool(host, run, EventType.ToolExecutionFailed, call, { error: call.error });
      answer(state, call, { error: call.error.message });
      continue;
    }
    if ((agent.approve_tools ?? []).includes(call.name) && call.approval === null) {
      const approved = await awaitApproval(host, run, call);
      if (!approved) {
        journalTool(host, run, EventType.ToolExecutionFailed, call, { error: call.error, result: call.result });
        answer(state, call, call.result);
        continue;
      }
    }
    if (!(await runToolCall(host, run, state, call, steps))) return false;
  }
  return true;
}

function answered(_state: AgentLoopState, call: AgentToolCall): boolean {
  return call.answered;
}

/** Appends the tool message the model reads. */
function answer(state: AgentLoopState, call: AgentToolCall, content: unknown): void {
  call.answered = true;
  state.messages.push({ role: 'tool', tool_call_id: call.id, content: typeof content === 'string' ? content : JSON.stringify(content ?? null) });
}

/** Opens the approval gate of `call`; true once approved (its arguments possibly edited). */
async function awaitApproval(host: TaskHost, run: TaskRun, call: AgentToolCall): Promise<boolean> {
  call.status = 'awaiting_approval';
  const toolCall = { id: call.id, name: call.name, arguments: call.arguments };
  const message = `the agent wants to call tool "${call.name}"`;
  host.journal.append({
    type: EventType.ApprovalRequested,
    task_id: run.taskId,
    task_exec_id: run.taskExecId,
    data: { approvers: null, message, decision_schema: null, expires_at: null, tool_call: toolCall },
  });
  const gate = host.openGate(new Gate(PauseReason.ApprovalRequired, run, run.taskId, run.branch, null, { approvers: null, message, expires_at: null, tool_call: toolCall }));
  const resolution = await host.awaitGate(gate);
  if (resolution.kind !== 'decision') {
    // No timeout is set, so only a decision ends the wait; anything else refuses the call.
    host.journal.append(approvalDecidedEvent(gate, { kind: 'decision', decision: 'reject', approver: 'system', comment: `gate ended: ${resolution.kind}`, data: null, decided_at: new Date().toISOString() }));
    return refuse(call, 'system', `the approval ended without a decision (${resolution.kind})`);
  }
  const edited = editedArguments(resolution.data);
  call.approval = { decision: resolution.decision, approver: resolution.approver, comment: resolution.comment, edited_arguments: edited !== undefined };
  if (resolution.decision === 'reject') return refuse(call, resolution.approver, resolution.comment);
  if (edited !== undefined) call.arguments = edited;
  call.status = 'pending';
  return true;
}

function refuse(call: AgentToolCall, approver: string, comment: string | null): false {
  call.status = 'rejected';
  call.error = { message: `refused by ${approver}${comment ? `: ${comment}` : ''}`, type: 'ToolCallRejected', non_retryable: true };
  call.result = { refused: true, approver, comment, message: `A human approver refused this call of "${call.name}"${comment ? `: ${comment}` : ''}. Do not call it again with the same arguments.` };
  return false;
}

/** `data.arguments` of an approval, when it is an object (the edited arguments). */
function editedArguments(data: unknown): Record<string, unknown> | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const args = (data as { arguments?: unknown }).arguments;
  return typeof args === 'object' && args !== null && !Array.isArray(args) ? (args as Record<string, unknown>) : undefined;
}

/** Runs one approved (or unguarded) call; false when an immediate pause interrupted it. */
async function runToolCall(host: TaskHost, run: TaskRun, state: AgentLoopState, call: AgentToolCall, steps: AgentSteps): Promise<boolean> {
  const { executionId, workflowId } = host.identity;
  call.status = 'running';
  journalTool(host, run, EventType.ToolExecutionStarted, call, {});
  const activityId = `${steps.prefix}/tool/${call.name}#${call.key}`;
  const { runTask } = steps.activities(activityId, `${call.name} · ${run.taskId} (agent tool call)`);
  try {
    const outcome = await steps.dispatch(activityId, () =>
      runTask({ tool: call.name, input: call.arguments, execution_id: executionId, workflow_id: workflowId, task_id: run.taskId, task_exec_id: run.taskExecId, attempt: 1, idempotency_key: call.idempotency_key }),
    );
    if (outcome.kind === 'interrupted') {
      call.status = 'pending';
      return false;
    }
    if (outcome.value.wait !== undefined) {
      call.status = 'failed';
      call.error = { message: `tool "${call.name}" asked to wait, which a tool called by an agent cannot do`, type: 'ToolWaitUnsupported', non_retryable: true };
      journalTool(host, run, EventType.ToolExecutionFailed, call, { error: call.error });
      answer(state, call, { error: call.error.message });
      return true;
    }
    call.status = 'succeeded';
    call.result = outcome.value.output;
    journalTool(host, run, EventType.ToolExecutionSuccess, call, { result: call.result });
    answer(state, call, call.result);
    return true;
  } catch (err) {
    if (isCancellation(err)) throw err;
    const { error } = toTaskError(err);
    // A tool that failed (after its retries) is an answer too: the model may try another way.
    call.status = 'failed';
    call.error = error;
    call.result = { error: error.message, type: error.type };
    journalTool(host, run, EventType.ToolExecutionFailed, call, { error });
    answer(state, call, call.result);
    return true;
  }
}

function journalTool(host: TaskHost, run: TaskRun, type: EventType, call: AgentToolCall, extra: Record<string, unknown>): void {
  host.journal.append({
    type,
    task_id: run.taskId,
    task_exec_id: run.taskExecId,
    attempt: run.attempts,
    data: { tool: call.name, call_id: call.id, arguments: call.arguments, idempotency_key: call.idempotency_key, ...(call.approval !== null && { approval: call.approval }), ...extra },
  });
}
