/**
 * Turns what an activity attempt threw into the `TaskError` shape kept in the journal and task context;
 * `errorMessage()` for anything else that was thrown.
 */
import { ActivityFailure, ApplicationFailure, TimeoutFailure, type TimeoutType } from '@temporalio/common';
import type { TaskError } from './contracts';

/** Details the task activity attaches to every failure it reports. */
export interface AttemptFailureDetails {
  started_at?: string;
  details?: unknown;
}

/** What an activity attempt threw, as a `TaskError`, with the attempt's start time when the activity reported it. */
export function toTaskError(err: unknown): { error: TaskError; startedAt: string | undefined } {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  if (cause instanceof ApplicationFailure) {
    const attached = (cause.details?.[0] ?? {}) as AttemptFailureDetails;
    return {
      error: {
        message: cause.message,
        type: cause.type ?? null,
        non_retryable: cause.nonRetryable ?? false,
        ...(attached.details !== undefined && { details: attached.details }),
      },
      startedAt: attached.started_at,
    };
  }
  if (cause instanceof TimeoutFailure) {
    const kind = timeoutName(cause.timeoutType);
    return { error: { message: `attempt timed out (${kind})`, type: `Timeout.${kind}`, non_retryable: false }, startedAt: undefined };
  }
  const message = cause instanceof Error ? cause.message : String(cause);
  return { error: { message, type: cause instanceof Error ? cause.name : null, non_retryable: false }, startedAt: undefined };
}

/** The message of anything thrown: an `Error`'s message, else the value as a string. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function timeoutName(type: TimeoutType | undefined | null): string {
  return (type ?? 'unknown').toLowerCase();
}
