/**
 * How an execution closes: the status, error and closing journal event for each way its run can
 * end, and what the workflow throws.
 */
import { ApplicationFailure, CancelledFailure } from '@temporalio/workflow';
import { closingOnError, completed, flowFailure, outputsFailure } from '../../../src/workflows/execution-closing';
import { TaskStatus } from '../../../src/workflows/states';
import { TaskRun } from '../../../src/workflows/task-run';

function failedRun(): TaskRun {
  const run = new TaskRun('charge', 'charge-exec', 'basic', null, {}, 1);
  run.status = TaskStatus.Failed;
  run.error = { message: 'card declined', type: 'Declined', non_retryable: true };
  return run;
}

describe('completed', () => {
  it('closes as completed with the outputs, journaled with them', () => {
    expect(completed({ total: 3 })).toEqual({ status: 'completed', outputs: { total: 3 }, event: { type: 'WorkflowExecutionSuccess', data: { outputs: { total: 3 } } } });
  });
});

describe('flowFailure and outputsFailure', () => {
  it('names the task a flow failed at, with its error type', () => {
    const { error, failure } = flowFailure(failedRun());
    expect(error).toEqual({ message: 'task "charge" failed: card declined', type: 'Declined', task_id: 'charge' });
    expect(failure).toMatchObject({ message: error.message, type: 'TaskFailed', nonRetryable: true });
    expect(flowFailure(undefined).error).toEqual({ message: 'task "?" failed: unknown error', type: null, task_id: null });
  });

  it('reports outputs that could not be rendered as a template error', () => {
    const { error, failure } = outputsFailure(new Error('no such variable'));
    expect(error).toEqual({ message: 'no such variable', type: 'TemplateError', task_id: null });
    expect(failure).toMatchObject({ message: 'no such variable', type: 'TemplateError', nonRetryable: true });
  });
});

describe('closingOnError', () => {
  it('closes a failed flow with the error it recorded and throws its failure', () => {
    const { error, failure } = flowFailure(failedRun());
    const closing = closingOnError(failure, error, false, undefined);
    expect(closing).toMatchObject({ status: 'failed', error, cancelReason: 'execution failed', thrown: failure });
    expect(closing.event).toEqual({ type: 'WorkflowExecutionFailed', task_id: 'charge', data: { error } });
  });

  it('closes an unexpected error truthfully: its message, and InternalError unless it was an ApplicationFailure', () => {
    const bug = new TypeError('x is undefined');
    const closing = closingOnError(bug, null, false, undefined);
    expect(closing).toMatchObject({ status: 'failed', error: { message: 'x is undefined', type: 'InternalError', task_id: null } });
    expect(closing.event).toEqual({ type: 'WorkflowExecutionFailed', data: { error: closing.error } });
    expect(closing.thrown).toBeInstanceOf(ApplicationFailure);
    expect(closing.thrown).toMatchObject({ message: 'x is undefined', type: 'InternalError', nonRetryable: true });
    const app = ApplicationFailure.create({ message: 'boom', type: 'Custom' });
    expect(closingOnError(app, null, false, undefined)).toMatchObject({ error: { message: 'boom', type: 'Custom' }, thrown: app });
  });

  it('closes a cancellation as cancelled, keeping the error, and rethrows it', () => {
    const cancel = new CancelledFailure('cancelled');
    const closing = closingOnError(cancel, null, false, undefined);
    expect(closing).toEqual({ status: 'cancelled', event: { type: 'WorkflowExecutionCancelled', data: {} }, cancelReason: 'cancelled', thrown: cancel });
    expect('error' in closing).toBe(false);
  });

  it('closes a cancellation by the workflow timeout as timed out', () => {
    const closing = closingOnError(new CancelledFailure('cancelled'), null, true, '1h');
    expect(closing).toMatchObject({
      status: 'timed_out',
      error: { message: 'execution timed out after 1h', type: 'ExecutionTimedOut', task_id: null },
      event: { type: 'WorkflowExecutionTimedOut', data: { timeout: '1h' } },
      cancelReason: 'timeout',
    });
    expect(closing.thrown).toMatchObject({ message: 'execution timed out after 1h', type: 'ExecutionTimedOut', nonRetryable: true });
  });
});
