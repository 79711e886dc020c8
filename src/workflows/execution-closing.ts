/**
 * How an execution closes, decided as pure functions of what ended its run: the outputs it
 * completed with, a failed flow, `outputs` that could not be rendered, the workflow timeout, a
 * cancellation, or an unexpected error. Each gives the final status, the error, the event that
 * closes the journal and, for an error, what the active tasks are cancelled for and what the
 * workflow throws.
 */
import { ApplicationFailure, isCancellation } from '@temporalio/workflow';
import type { WorkflowConfig } from '../definitions/schema';
import type { ExecutionError } from './contracts';
import { EventType } from './events';
import type { JournalEntry } from './journal';
import { ExecutionStatus } from './states';
import { errorMessage } from './task-error';
import type { TaskRun } from './task-run';

/** How an execution closes. */
export interface Closing {
  status: ExecutionStatus;
  /** The event that closes the journal. */
  event: JournalEntry;
  /** The execution's error from now on; absent, it stays as it was. */
  error?: ExecutionError | null;
  /** The rendered outputs; absent, they stay as they were. */
  outputs?: Record<string, unknown>;
}

/** How an execution closes after an error ended its run. */
export interface ErrorClosing extends Closing {
  /** Why the tasks still active are cancelled. */
  cancelReason: string;
  /** What the workflow throws: a cancellation as it came, else an `ApplicationFailure`. */
  thrown: unknown;
}

/** Why an execution fails, and the failure that ends its run. */
export interface Failure {
  error: ExecutionError;
  failure: ApplicationFailure;
}

/** The closing of an execution that completed with `outputs`. */
export function completed(outputs: Record<string, unknown>): Closing {
  return { status: ExecutionStatus.Completed, outputs, event: { type: EventType.WorkflowExecutionSuccess, data: { outputs } } };
}

/** The failure of a flow that failed at its last task run. */
export function flowFailure(last: TaskRun | undefined): Failure {
  const message = `task "${last?.taskId ?? '?'}" failed: ${last?.error?.message ?? 'unknown error'}`;
  return {
    error: { message, type: last?.error?.type ?? null, task_id: last?.taskId ?? null },
    failure: ApplicationFailure.create({ message, type: 'TaskFailed', nonRetryable: true, details: [{ task_id: last?.taskId ?? null }] }),
  };
}

/** The failure of `outputs` that could not be rendered (`err` is what rendering threw). */
export function outputsFailure(err: unknown): Failure {
  const message = errorMessage(err);
  return { error: { message, type: 'TemplateError', task_id: null }, failure: ApplicationFailure.create({ message, type: 'TemplateError', nonRetryable: true }) };
}

/**
 * The closing after `err` ended the run. `error` is the error a failure recorded before it threw,
 * if one did; `timedOut` says the workflow timeout (`timeout`) cancelled the run.
 */
export function closingOnError(err: unknown, error: ExecutionError | null, timedOut: boolean, timeout: WorkflowConfig['timeout']): ErrorClosing {
  if (isCancellation(err)) {
    const cancelReason = timedOut ? 'timeout' : 'cancelled';
    if (timedOut) {
      const message = `execution timed out after ${timeout ?? '?'}`;
      return {
        status: ExecutionStatus.TimedOut,
        error: { message, type: 'ExecutionTimedOut', task_id: null },
        event: { type: EventType.WorkflowExecutionTimedOut, data: { timeout } },
        cancelReason,
        thrown: ApplicationFailure.create({ message, type: 'ExecutionTimedOut', nonRetryable: true }),
      };
    }
    return { status: ExecutionStatus.Cancelled, event: { type: EventType.WorkflowExecutionCancelled, data: {} }, cancelReason, thrown: err };
  }
  // A bug or an unexpected error: still close the journal truthfully.
  const failed = error ?? { message: errorMessage(err), type: err instanceof ApplicationFailure ? (err.type ?? null) : 'InternalError', task_id: null };
  return {
    status: ExecutionStatus.Failed,
    error: failed,
    event: { type: EventType.WorkflowExecutionFailed, task_id: failed.task_id ?? undefined, data: { error: failed } },
    cancelReason: 'execution failed',
    thrown: err instanceof ApplicationFailure ? err : ApplicationFailure.create({ message: failed.message, type: failed.type ?? 'InternalError', nonRetryable: true }),
  };
}
