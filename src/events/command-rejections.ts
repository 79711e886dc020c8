/**
 * A refused NATS command leaves a CommandRejected event in the execution's journal: the refusal
 * (command, problem type, message, payload, actor) is sent to the workflow as a `commandRejected`
 * signal, which only journals it — so any refusal can be recorded, whatever the execution does
 * meanwhile, and nothing is ever applied by the recording.
 */
import type { Client } from '@temporalio/client';
import type { DecideCommand, PauseCommand, ResumeCommand, TaskResumeCommand } from '../workflows/commands';
import { commandRejectedSignal } from '../workflows/messages';

/** A refused command as the workflow got it (update argument). */
export type RefusedCommand =
  | { name: 'pause'; command: PauseCommand }
  | { name: 'resume'; command: ResumeCommand }
  | { name: 'taskResume'; command: TaskResumeCommand }
  | { name: 'decide'; command: DecideCommand };

export class CommandRejectionJournal {
  constructor(private readonly client: Client) {}

  /**
   * Journals the refusal of `refused` (problem type `refusalType`) in `executionId`; returns whether it
   * was sent. Never throws: the sender already has its answer.
   */
  async record(executionId: string, refused: RefusedCommand, refusalType: string, message = refusalType): Promise<boolean> {
    const actor = (refused.command as { actor?: unknown }).actor;
    try {
      await this.client.workflow.getHandle(executionId).signal(commandRejectedSignal, {
        command: refused.name,
        type: refusalType,
        message,
        payload: refused.command,
        ...(typeof actor === 'string' && { actor }),
      });
      return true;
    } catch {
      // Closed meanwhile, or Temporal unreachable: nothing to journal into.
      return false;
    }
  }
}
