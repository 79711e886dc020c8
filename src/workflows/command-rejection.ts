/**
 * A refused command (docs/design.md §4): a stable type, a one-line message, and details such as
 * `missing`. The signal path journals it as CommandRejected; the update path rejects the update with
 * it, and the API maps its type onto a problem once, at the edge.
 */
import { ApplicationFailure } from '@temporalio/workflow';
import type { CommandErrorType } from './commands';

/** A refused command: a stable type, a one-line message, and details (e.g. `missing`). */
export class CommandRejection {
  constructor(
    readonly type: CommandErrorType,
    readonly message: string,
    readonly details: Record<string, unknown> = {},
  ) {}

  /** The non-retryable failure an update validator throws for it. */
  toFailure(): ApplicationFailure {
    return ApplicationFailure.create({ type: this.type, message: this.message, nonRetryable: true, details: [this.details] });
  }
}
