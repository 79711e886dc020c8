/**
 * How a command the workflow refused becomes a problem: the validator fails the update with an
 * `ApplicationFailure` whose `type` is a `CommandErrorType` and whose `details[0]` holds extra
 * members (`missing`, `still_open`, `errors`). Every type has one status and title here.
 */
import { ApplicationFailure } from '@temporalio/common';
import { CommandRefused } from '../errors/problems';
import { CommandErrorType } from '../workflows/commands';

interface RefusalKind {
  status: number;
  title: string;
}

/** Status and title of every refusal type. */
export const commandRefusalKinds: Readonly<Record<CommandErrorType, RefusalKind>> = {
  [CommandErrorType.ExecutionClosed]: { status: 409, title: 'Execution already closed' },
  [CommandErrorType.AlreadyPaused]: { status: 409, title: 'Execution already paused' },
  [CommandErrorType.NotPaused]: { status: 409, title: 'Execution not paused' },
  [CommandErrorType.ResumeRequirementsUnmet]: { status: 409, title: 'Resume requirements unmet' },
  [CommandErrorType.TaskAlreadyCompleted]: { status: 409, title: 'Task already completed' },
  [CommandErrorType.TaskNotGated]: { status: 409, title: 'Task not waiting for a repair' },
  [CommandErrorType.TaskNotWaiting]: { status: 409, title: 'Task not waiting' },
  [CommandErrorType.ApprovalNotPending]: { status: 409, title: 'No pending approval' },
  [CommandErrorType.ConditionNotMet]: { status: 409, title: 'Wait condition not met' },
  [CommandErrorType.ApproverNotAllowed]: { status: 403, title: 'Approver not allowed' },
  [CommandErrorType.TaskNotFound]: { status: 404, title: 'Task not found' },
  [CommandErrorType.TaskAmbiguous]: { status: 409, title: 'Task ambiguous' },
  [CommandErrorType.DecisionInvalid]: { status: 422, title: 'Invalid decision data' },
  [CommandErrorType.ResumeDataInvalid]: { status: 422, title: 'Invalid resume data' },
  [CommandErrorType.OutputInvalid]: { status: 422, title: 'Invalid task output' },
  [CommandErrorType.CommandInvalid]: { status: 400, title: 'Invalid command' },
  [CommandErrorType.CommandDataTooLarge]: { status: 413, title: 'Command data too large' },
  [CommandErrorType.CallbackGone]: { status: 410, title: 'Callback gone' },
};

function isCommandErrorType(type: string | null | undefined): type is CommandErrorType {
  return type != null && Object.hasOwn(commandRefusalKinds, type);
}

/**
 * The problem for a refusal `failure` of `command` on `executionId`, or undefined when the failure is
 * not a command refusal (an unknown update on a workflow that is not an interpreter, a bug).
 */
export function commandRefusalProblem(failure: unknown, executionId: string, command: string): CommandRefused | undefined {
  if (!(failure instanceof ApplicationFailure) || !isCommandErrorType(failure.type)) return undefined;
  const kind = commandRefusalKinds[failure.type];
  const details = failure.details?.[0];
  const extras = typeof details === 'object' && details !== null && !Array.isArray(details) ? (details as Record<string, unknown>) : {};
  return new CommandRefused({
    status: kind.status,
    slug: failure.type,
    title: kind.title,
    detail: failure.message,
    extensions: { ...extras, execution_id: executionId, command },
  });
}
