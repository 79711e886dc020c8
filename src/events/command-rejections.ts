/**
 * A refused NATS command leaves a CommandRejected event in the execution's journal, written by the
 * workflow itself: the refused command is delivered again as its signal, whose handler runs the same
 * validation and journals the refusal instead of applying it (DESIGN §1: signals and updates share
 * one handler).
 *
 * That is only safe when the refusal cannot turn into an acceptance between the update and the
 * signal: refusals that depend on the command alone, or on what the definition fixes (its schemas,
 * conditions and approvers). A refusal that depends on the moment (`not_paused`, `already_paused`,
 * `task_not_waiting`, ...) is answered to the sender but not journaled: replaying it could apply it.
 */
import type { Client } from '@temporalio/client';
import type { SignalDefinition } from '@temporalio/common';
import { CommandErrorType, type DecideCommand, type PauseCommand, type ResumeCommand, type TaskResumeCommand } from '../workflows/commands';
import { decideSignal, pauseSignal, resumeSignal, taskResumeSignal } from '../workflows/messages';

/** Refusals the same command always gets, whatever the execution does meanwhile. */
export const stableRefusals: ReadonlySet<string> = new Set<string>([
  CommandErrorType.CommandInvalid,
  CommandErrorType.TaskNotFound,
  CommandErrorType.ConditionNotMet,
  CommandErrorType.ApproverNotAllowed,
  CommandErrorType.DecisionInvalid,
]);

/** A refused command as the workflow got it (update argument). */
export type RefusedCommand =
  | { name: 'pause'; command: PauseCommand }
  | { name: 'resume'; command: ResumeCommand }
  | { name: 'taskResume'; command: TaskResumeCommand }
  | { name: 'decide'; command: DecideCommand };

const signals: { [K in RefusedCommand['name']]: SignalDefinition<[Extract<RefusedCommand, { name: K }>['command']]> } = {
  pause: pauseSignal,
  resume: resumeSignal,
  taskResume: taskResumeSignal,
  decide: decideSignal,
};

export class CommandRejectionJournal {
  constructor(private readonly client: Client) {}

  /**
   * Journals the refusal of `refused` (type `refusalType`) in `executionId` when that is safe;
   * returns whether it was sent. Never throws: the sender already has its answer.
   */
  async record(executionId: string, refused: RefusedCommand, refusalType: string): Promise<boolean> {
    if (!stableRefusals.has(refusalType)) return false;
    try {
      const handle = this.client.workflow.getHandle(executionId);
      await handle.signal(signals[refused.name], refused.command);
      return true;
    } catch {
      // Closed meanwhile, or Temporal unreachable: nothing to journal into.
      return false;
    }
  }
}
