/**
 * Which definition an execution belongs to, for NATS commands that name both (`<p>.commands.workflow.
 * <workflow_id>.pause.<exec_id>`, `execution_id` in a body): the execution's `CadenzaWorkflowId`
 * search attribute, set when it starts. Never the id's prefix: `order-x-<uuid>` starts with `order-`
 * but belongs to `order-x`. An execution without the attribute (started by hand with the Temporal
 * CLI) is asked for its status, which names its definition.
 */
import type { Client } from '@temporalio/client';
import { ApiProblem, ExecutionNotFound } from '../errors/problems';
import { DEFAULT_WORKER_DEADLINE_MS, withWorkerDeadline } from '../temporal/worker-deadline';
import { describeIfExists } from '../executions/execution-info';
import { statusQuery } from '../workflows/messages';
import { CadenzaWorkflowIdKey } from '../workflows/search-attributes';

/** Answers whose an execution is, from Temporal (describe, else a status query). */
export class ExecutionOwnership {
  constructor(
    private readonly client: Client,
    private readonly deadlineMs = DEFAULT_WORKER_DEADLINE_MS,
  ) {}

  /** Throws `ExecutionNotFound` unless `executionId` is an execution of definition `workflowId`. */
  async assertBelongs(workflowId: string, executionId: string): Promise<void> {
    const description = await describeIfExists(this.client, executionId);
    if (description === undefined) throw new ExecutionNotFound(executionId);
    const owner = description.typedSearchAttributes.get(CadenzaWorkflowIdKey) ?? (await this.ownerFromStatus(executionId));
    if (owner !== workflowId) throw new ExecutionNotFound(executionId);
  }

  /** Whether `executionId` belongs to `workflowId`; problems other than "not found" propagate. */
  async belongs(workflowId: string, executionId: string): Promise<boolean> {
    try {
      await this.assertBelongs(workflowId, executionId);
      return true;
    } catch (error) {
      if (error instanceof ExecutionNotFound) return false;
      throw error;
    }
  }

  private async ownerFromStatus(executionId: string): Promise<string | undefined> {
    try {
      const status = await withWorkerDeadline(this.client, this.deadlineMs, 'the status query', () => this.client.workflow.getHandle(executionId).query(statusQuery));
      return status.workflow_id;
    } catch (error) {
      // No worker: say so. Anything else that cannot answer a status query is not one of ours.
      if (error instanceof ApiProblem) throw error;
      return undefined;
    }
  }
}
