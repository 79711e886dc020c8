/**
 * Makes message handlers total (docs/design.md §4): whatever a signal, update or query carries, no
 * exception escapes into the SDK, where a non-Temporal error would fail the workflow task — forever,
 * since every replay meets the same message. Signals that throw are journaled as CommandRejected by
 * the caller's `onRefused`; updates and queries answer with an `ApplicationFailure` of a stable type.
 */
import { ApplicationFailure, TemporalFailure } from '@temporalio/workflow';
import { CommandErrorType } from './commands';

/** The one-line reason of anything thrown. */
export function describeError(err: unknown): string {
  if (err instanceof Error) return err.message;
  try {
    return String(err);
  } catch {
    return 'unprintable error';
  }
}

/**
 * An `ApplicationFailure` for `err`: itself when it already is a Temporal failure (a refusal the code
 * meant), otherwise `command_invalid` naming what went wrong.
 */
export function asRefusal(err: unknown, what: string, type: string = CommandErrorType.CommandInvalid): TemporalFailure {
  if (err instanceof TemporalFailure) return err;
  return ApplicationFailure.create({ type, message: `${what} could not be handled: ${describeError(err)}`, nonRetryable: true });
}

/**
 * Wraps a message handler — an update validator or handler, a query — so that any error it throws
 * reaches the SDK as a typed `ApplicationFailure` (`asRefusal`): a validator's rejects the update, a
 * handler's fails the update, a query's answers the caller; none fails the workflow task.
 * `what` names the message in the failure's message, e.g. "the resume command".
 */
export function guarded<A extends unknown[], R>(what: string, handle: (...args: A) => R, type?: string): (...args: A) => R {
  return (...args: A) => {
    try {
      return handle(...args);
    } catch (err) {
      throw asRefusal(err, what, type);
    }
  };
}
