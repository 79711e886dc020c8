/**
 * WorkflowCancel (docs/design.md §4): cooperative cancellation, also of a paused execution. Shared by
 * `ExecutionService.cancel()` and bulk operations.
 */
import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import { ExecutionClosed } from '../errors/problems';
import { temporalLimitProblem } from '../temporal/temporal-limits';
import type { ExecutionStatus } from '../workflows/states';
import { describeExecution, statusOf } from './execution-info';

/** Requests cancellation; `execution_closed` when it already ended. Returns the status it had when asked. */
export async function cancelExecution(client: Client, executionId: string): Promise<ExecutionStatus> {
  const description = await describeExecution(client, executionId);
  const status = statusOf(description);
  if (description.status.name !== 'RUNNING') throw new ExecutionClosed(executionId, status);
  try {
    await client.workflow.getHandle(executionId).cancel();
  } catch (error) {
    // It closed between describe and cancel.
    if (error instanceof WorkflowNotFoundError) throw new ExecutionClosed(executionId, statusOf(await describeExecution(client, executionId)));
    throw temporalLimitProblem(error, { execution_id: executionId, command: 'cancel' }) ?? error;
  }
  return status;
}
