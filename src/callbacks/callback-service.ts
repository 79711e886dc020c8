/**
 * Callback URLs, client side (docs/design.md §9): `use()` checks the token with the `callback` query
 * (unknown: 404, used: the first answer again, expired or revoked: 410), then sends the `callback`
 * update with an id derived from the task execution, so concurrent or repeated uses apply once and
 * all get the same answer. `revoke()` is the operator's command.
 */
import { type Client, type WorkflowHandle, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { isUnknownQuery } from '../temporal/query-errors';
import { CallbackGone, CallbackNotFound } from '../errors/inbound-problems';
import { ExecutionNotFound } from '../errors/problems';
import { commandRefusalProblem } from '../executions/command-refusals';
import { isExecutionId } from '../executions/execution-id';
import { DEFAULT_WORKER_DEADLINE_MS, withWorkerDeadline } from '../temporal/worker-deadline';
import type { CallbackCommand } from '../workflows/callback-commands';
import type { CallbackAnswer, CallbackLookup } from '../workflows/callbacks';
import { CommandErrorType } from '../workflows/commands';
import { callbackQuery, callbackUpdate, revokeCallbackUpdate } from '../workflows/messages';
import { type CallbackToken, parseCallbackToken } from './token';

/** What a callback's body may carry: `resume_data` for a wait, a decision for an approval. */
export type CallbackUse = Omit<CallbackCommand, 'task_exec_id' | 'secret'>;

export class CallbackService {
  private readonly deadlineMs: number;

  constructor(private readonly options: { client: Client; deadlineMs?: number }) {
    this.deadlineMs = options.deadlineMs ?? DEFAULT_WORKER_DEADLINE_MS;
  }

  /** Uses the callback of `tokenText` with `body`; its answer, the same on every use. */
  async use(tokenText: string, body: CallbackUse): Promise<CallbackAnswer> {
    const token = parseCallbackToken(tokenText);
    if (token === undefined || !isExecutionId(token.executionId)) throw new CallbackNotFound();
    const handle = this.options.client.workflow.getHandle(token.executionId);
    const known = settled(await this.lookup(handle, token));
    if (known !== undefined) return known;
    const command: CallbackCommand = { ...body, task_exec_id: token.taskExecId, secret: token.secret };
    try {
      return await withWorkerDeadline(this.options.client, this.deadlineMs, 'the callback update', () =>
        handle.executeUpdate(callbackUpdate, { args: [command], updateId: `callback/${token.taskExecId}` }),
      );
    } catch (error) {
      if (error instanceof WorkflowUpdateFailedError) {
        const refusal = commandRefusalProblem(error.cause, token.executionId, 'callback');
        if (refusal?.slug === CommandErrorType.CallbackGone) throw new CallbackGone(refusal.detail);
        if (refusal !== undefined && refusal.slug !== CommandErrorType.TaskNotFound) throw refusal;
        throw new CallbackNotFound();
      }
      // The execution closed between the query and the update: its callbacks went with it.
      if (error instanceof WorkflowNotFoundError) return settled(await this.lookup(handle, token)) ?? Promise.reject(new CallbackGone('the execution has ended'));
      throw error;
    }
  }

  /** Revokes the open callback of a task execution; the task keeps waiting. */
  async revoke(executionId: string, taskExecId: string): Promise<{ task_exec_id: string; revoked: true }> {
    if (!isExecutionId(executionId)) throw new ExecutionNotFound(executionId);
    const handle = this.options.client.workflow.getHandle(executionId);
    try {
      return await withWorkerDeadline(this.options.client, this.deadlineMs, 'the revokeCallback update', () =>
        handle.executeUpdate(revokeCallbackUpdate, { args: [{ task_exec_id: taskExecId }] }),
      );
    } catch (error) {
      if (error instanceof WorkflowUpdateFailedError) throw commandRefusalProblem(error.cause, executionId, 'revokeCallback') ?? new ExecutionNotFound(executionId);
      if (error instanceof WorkflowNotFoundError) throw new ExecutionNotFound(executionId);
      throw error;
    }
  }

  private async lookup(handle: WorkflowHandle, token: CallbackToken): Promise<CallbackLookup> {
    try {
      return await withWorkerDeadline(this.options.client, this.deadlineMs, 'the callback query', () =>
        handle.query(callbackQuery, { task_exec_id: token.taskExecId, secret: token.secret }),
      );
    } catch (error) {
      if (error instanceof WorkflowNotFoundError || isUnknownQuery(error)) throw new CallbackNotFound();
      throw error;
    }
  }
}

/** The answer a settled callback gives (used: its answer; gone: 410), or undefined while it is open. */
function settled(lookup: CallbackLookup): CallbackAnswer | undefined {
  if (lookup.state === 'unknown') throw new CallbackNotFound();
  if (lookup.state === 'used' && lookup.answer !== null) return lookup.answer;
  if (lookup.state === 'expired' || lookup.state === 'revoked') throw new CallbackGone(`the callback is ${lookup.state === 'revoked' ? 'revoked' : 'used up or expired'}`);
  return undefined;
}
