/**
 * Refusals and texts several commands share: a command on an execution that has ended, and how
 * approvers are named in a refusal.
 */
import { CommandErrorType } from './commands';
import { CommandRejection } from './command-rejection';

/** The refusal of any command once the execution has ended. */
export function closed(): CommandRejection {
  return new CommandRejection(CommandErrorType.ExecutionClosed, 'the execution has already ended');
}

/** Approvers as a refusal names them: `role finance, user ann`. */
export function describeApprovers(approvers: { roles?: string[]; users?: string[] }): string {
  return [...(approvers.roles ?? []).map((r) => `role ${r}`), ...(approvers.users ?? []).map((u) => `user ${u}`)].join(', ');
}
