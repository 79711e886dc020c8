/**
 * The `callback` and `revokeCallback` commands (docs/design.md §9): a callback URL's use resumes its
 * waiting task (wait: with `resume_data`, checked like a TaskResume; approval: with a decision, checked
 * against `decision_schema`, the token standing in for the approver) and is answered the same way on
 * every later use. Updates only: a refusal leaves no trace in history.
 */
import { approvalDecidedEvent } from './approval-task';
import type { CallbackAnswer, CallbackLookup, CallbackRegistry } from './callbacks';
import type { CommandHost } from './command-host';
import { invalid, isObject } from './command-parsing';
import { CommandRejection } from './command-rejection';
import { CommandErrorType } from './commands';
import { decisionDataRejection, type ExecutionCommands } from './execution-commands';
import { payloadProblem } from './payload-bounds';
import { PauseReason } from './states';

/** The actor of what a callback does. */
export const CALLBACK_ACTOR = 'callback';

/** A callback's use, as the API sends it. */
export interface CallbackCommand {
  task_exec_id: string;
  secret: string;
  /** wait: the data to resume with. */
  resume_data?: unknown;
  /** approval: the decision. */
  decision?: 'approve' | 'reject';
  comment?: string;
  data?: unknown;
}

/** Which callback a lookup or revocation names. */
export interface CallbackRef {
  task_exec_id: string;
  secret?: string;
}

/** What the callback commands need: the commands' host and the execution's callbacks. */
export type CallbackHost = CommandHost & { readonly callbacks: CallbackRegistry; readonly identity: { executionId: string } };

/** The callback commands of one execution. */
export class CallbackCommands {
  constructor(
    private readonly host: CallbackHost,
    private readonly commands: ExecutionCommands,
  ) {}

  /** The `callback` query: where the token stands. */
  lookup(ref: unknown): CallbackLookup {
    if (!isObject(ref) || typeof ref.task_exec_id !== 'string' || typeof ref.secret !== 'string') return { state: 'unknown', kind: null, answer: null };
    return this.host.callbacks.lookup(ref.task_exec_id, ref.secret);
  }

  validate(input: unknown): CommandRejection | undefined {
    const command = parseCallback(input);
    if (command instanceof CommandRejection) return command;
    const entry = this.host.callbacks.find(command.task_exec_id, command.secret);
    if (entry === undefined) return new CommandRejection(CommandErrorType.TaskNotFound, 'no such callback');
    if (entry.state === 'used') return undefined;
    if (entry.state !== 'open') return gone(entry.state);
    if (entry.kind === 'wait') return this.commands.validateTaskResume({ task_exec_id: command.task_exec_id, resume_data: command.resume_data ?? null, actor: CALLBACK_ACTOR });
    if (command.decision !== 'approve' && command.decision !== 'reject') return invalid('decision must be "approve" or "reject"');
    if (command.comment !== undefined && typeof command.comment !== 'string') return invalid('comment must be a string');
    if (this.approvalGate(command.task_exec_id) === undefined) return gone('expired');
    return decisionDataRejection(this.host.tasksById.get(entry.task_id), command.data);
  }

  apply(input: unknown): CallbackAnswer {
    const command = input as CallbackCommand;
    const registry = this.host.callbacks;
    const entry = registry.find(command.task_exec_id, command.secret);
    if (entry === undefined) throw new CommandRejection(CommandErrorType.TaskNotFound, 'no such callback').toFailure();
    if (entry.answer !== null) return entry.answer;
    const base = { execution_id: this.host.identity.executionId, task_id: entry.task_id, task_exec_id: entry.task_exec_id, kind: entry.kind, accepted_at: new Date().toISOString() };
    let answer: CallbackAnswer;
    if (entry.kind === 'wait') {
      this.commands.applyTaskResume({ task_exec_id: command.task_exec_id, resume_data: command.resume_data ?? null, actor: CALLBACK_ACTOR });
      answer = { ...base, resume_data: command.resume_data ?? null };
    } else {
      const gate = this.approvalGate(command.task_exec_id);
      if (gate === undefined) throw gone('expired').toFailure();
      const decision = { decision: command.decision ?? 'reject', comment: command.comment ?? null, data: command.data ?? null };
      this.host.rememberResumeData(decision.data);
      const resolution = { kind: 'decision', ...decision, approver: CALLBACK_ACTOR, decided_at: base.accepted_at } as const;
      this.host.resolveGate(gate, resolution, approvalDecidedEvent(gate, resolution));
      answer = { ...base, decision };
    }
    registry.markUsed(entry.task_exec_id, answer);
    return answer;
  }

  validateRevoke(ref: unknown): CommandRejection | undefined {
    if (!isObject(ref) || typeof ref.task_exec_id !== 'string') return invalid('task_exec_id is required');
    if (this.host.callbacks.urlOf(ref.task_exec_id) === null) return new CommandRejection(CommandErrorType.TaskNotWaiting, `task execution "${ref.task_exec_id.slice(0, 100)}" has no open callback`);
    return undefined;
  }

  /** Revokes the open callback; the task keeps waiting and stays reachable by the other commands. */
  applyRevoke(ref: unknown): { task_exec_id: string; revoked: true } {
    const taskExecId = (ref as CallbackRef).task_exec_id;
    this.host.callbacks.revoke(taskExecId);
    for (const gate of this.host.gates.filter((g) => g.run?.taskExecId === taskExecId)) gate.data.callback_url = null;
    return { task_exec_id: taskExecId, revoked: true };
  }

  private approvalGate(taskExecId: string) {
    return this.host.gates.find((g) => g.reason === PauseReason.ApprovalRequired && g.run?.taskExecId === taskExecId);
  }
}

function parseCallback(input: unknown): CallbackCommand | CommandRejection {
  if (!isObject(input)) return invalid('a callback command must be an object');
  if (typeof input.task_exec_id !== 'string' || typeof input.secret !== 'string') return invalid('task_exec_id and secret are required');
  for (const member of ['resume_data', 'data'] as const) {
    const problem = input[member] === undefined ? undefined : payloadProblem(member, input[member]);
    if (problem !== undefined) return invalid(problem);
  }
  return input as unknown as CallbackCommand;
}

function gone(state: string): CommandRejection {
  return new CommandRejection(CommandErrorType.CallbackGone, `the callback is ${state === 'revoked' ? 'revoked' : 'used up or expired'}`);
}
