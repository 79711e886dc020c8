/**
 * Shape checks of the operator commands as they reach the workflow (docs/design.md §4). A command may
 * come from the Temporal CLI or NATS with any JSON at all, so each parser is total: it returns the
 * typed command or the `CommandRejection` that says what is wrong, and never throws. `strict` adds
 * the checks introduced with `ExecutionBehaviour.strictCommands` (types of optional members,
 * nesting, string lengths); without it only what would have broken the handlers is refused, so
 * executions started before replay as they ran.
 */
import {
  CommandErrorType,
  type CommandRejectedNotice,
  type DecideCommand,
  PauseMode,
  type PauseCommand,
  type ResumeCommand,
  ResumeMode,
  type TaskResumeCommand,
} from './commands';
import { CommandRejection } from './command-rejection';
import { payloadProblem } from './payload-bounds';

/** Longest free-text member (reason, comment, actor) a command may carry. */
export const MAX_COMMAND_TEXT = 4096;

/** A parsed command, or why it was refused. */
export type Parsed<T> = T | CommandRejection;

/** True for a plain JSON object (not null, not an array). */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A `command_invalid` rejection. */
export function invalid(message: string): CommandRejection {
  return new CommandRejection(CommandErrorType.CommandInvalid, message);
}

function textProblem(command: Record<string, unknown>, member: string, required = false): string | undefined {
  const value = command[member];
  if (value === undefined) return required ? `${member} is required` : undefined;
  if (typeof value !== 'string') return `${member} must be a string`;
  if (value.length > MAX_COMMAND_TEXT) return `${member} is longer than ${MAX_COMMAND_TEXT} characters`;
  return undefined;
}

/** The first problem found by `checks`, as a rejection. */
function firstProblem(...checks: Array<string | undefined>): CommandRejection | undefined {
  const problem = checks.find((c) => c !== undefined);
  return problem === undefined ? undefined : invalid(problem);
}

/** `pause {reason?, mode?, actor?}`. */
export function parsePause(command: unknown, strict: boolean): Parsed<PauseCommand> {
  if (!isObject(command)) return invalid('the pause command must be an object');
  if (command.mode !== undefined && command.mode !== PauseMode.Graceful && command.mode !== PauseMode.Immediate) {
    return invalid('mode must be "graceful" or "immediate"');
  }
  if (command.reason !== undefined && typeof command.reason !== 'string') return invalid('reason must be a string');
  if (strict) {
    const refused = firstProblem(textProblem(command, 'reason'), textProblem(command, 'actor'));
    if (refused) return refused;
  }
  return command;
}

const resumeModes: readonly unknown[] = Object.values(ResumeMode);

/** `resume {mode?, tasks?, context?, reason?, actor?}`: every member of `tasks` must be an object. */
export function parseResume(command: unknown, strict: boolean): Parsed<ResumeCommand> {
  if (!isObject(command)) return invalid('the resume command must be an object');
  if (command.context !== undefined && !isObject(command.context)) return invalid('context must be an object');
  if (command.tasks !== undefined && !isObject(command.tasks)) return invalid('tasks must be an object keyed by task id');
  if (command.mode !== undefined && !resumeModes.includes(command.mode)) return invalid(`mode must be one of ${resumeModes.join(', ')}`);
  for (const [taskId, spec] of Object.entries(command.tasks ?? {})) {
    if (!isObject(spec)) return invalid(`tasks.${taskId} must be an object such as {"action": "retry"} or {"output": ...}`);
    if (!strict) continue;
    if (spec.action !== undefined && spec.action !== 'retry' && spec.action !== 'skip') return invalid(`tasks.${taskId}.action must be "retry" or "skip"`);
    const refused = firstProblem(payloadProblem(`tasks.${taskId}.input`, spec.input), payloadProblem(`tasks.${taskId}.output`, spec.output));
    if (refused) return refused;
  }
  if (strict) {
    const refused = firstProblem(textProblem(command, 'reason'), textProblem(command, 'actor'), payloadProblem('context', command.context));
    if (refused) return refused;
  }
  return command;
}

/** `taskResume {task_exec_id | task_id, resume_data?, actor?}`. */
export function parseTaskResume(command: unknown, strict: boolean): Parsed<TaskResumeCommand> {
  if (!isObject(command)) return invalid('the task resume command must be an object');
  if (command.task_exec_id === undefined && command.task_id === undefined) return invalid('name the task: task_exec_id or task_id');
  if (strict) {
    const refused = firstProblem(
      textProblem(command, 'task_exec_id'),
      textProblem(command, 'task_id'),
      textProblem(command, 'actor'),
      payloadProblem('resume_data', command.resume_data),
    );
    if (refused) return refused;
  }
  return command;
}

/** `decide {task_id, task_exec_id?, decision, comment?, data?, actor, roles?}`. */
export function parseDecide(command: unknown, strict: boolean): Parsed<DecideCommand> {
  if (!isObject(command)) return invalid('the decision must be an object');
  if (typeof command.task_id !== 'string') return invalid('task_id is required');
  if (command.decision !== 'approve' && command.decision !== 'reject') return invalid('decision must be "approve" or "reject"');
  if (typeof command.actor !== 'string' || command.actor.length === 0) return invalid('actor is required: the approver');
  const roles = command.roles;
  // Before strict checks a string passed too (it matched as a substring); anything else broke the handler.
  const rolesOk = strict ? roles === undefined || (Array.isArray(roles) && roles.every((r) => typeof r === 'string')) : roles == null || Array.isArray(roles) || typeof roles === 'string';
  if (!rolesOk) return invalid('roles must be an array of strings');
  if (strict) {
    const refused = firstProblem(
      textProblem(command, 'task_id'),
      textProblem(command, 'task_exec_id'),
      textProblem(command, 'comment'),
      textProblem(command, 'actor'),
      payloadProblem('data', command.data),
    );
    if (refused) return refused;
  }
  return command as unknown as DecideCommand;
}

/** `commandRejected {command, type, message, payload?, actor?}` (a refusal made outside the workflow). */
export function parseRejectedNotice(notice: unknown): Parsed<CommandRejectedNotice> {
  const valid = isObject(notice) && typeof notice.command === 'string' && typeof notice.type === 'string' && typeof notice.message === 'string';
  if (!valid) return invalid('a commandRejected notice needs command, type and message strings');
  return notice as unknown as CommandRejectedNotice;
}
