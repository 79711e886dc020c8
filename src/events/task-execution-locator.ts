/**
 * Finds the execution a `task_exec_id` belongs to, for task commands whose subject names only the
 * definition and the task execution (docs/design.md §14.0). First the gate index the publisher fills when a task
 * starts waiting or an approval is requested; else the open executions of the definition, newest
 * first, asked one by one (bounded).
 */
import type { Client } from '@temporalio/client';
import { INTERPRETER_WORKFLOW_TYPE } from '../workflows/contracts';
import { executionQuery } from '../workflows/messages';
import { CadenzaWorkflowIdKey } from '../workflows/search-attributes';
import type { GateLookup } from './kv-stores';

export interface TaskExecutionRef {
  execution_id: string;
  task_id: string;
}

/** Open executions asked at most, when the index does not know the task execution. */
const MAX_SCANNED = 50;
const QUERY_DEADLINE_MS = 5_000;

export class TaskExecutionLocator {
  constructor(
    private readonly client: Client,
    private readonly index: GateLookup,
  ) {}

  async locate(workflowId: string, taskExecId: string): Promise<TaskExecutionRef | undefined> {
    const indexed = await this.index.find(taskExecId).catch(() => undefined);
    if (indexed !== undefined) {
      return indexed.workflow_id === workflowId || indexed.workflow_id === '' ? { execution_id: indexed.execution_id, task_id: indexed.task_id } : undefined;
    }
    return this.scan(workflowId, taskExecId);
  }

  /** The task id of `taskExecId` in a known execution, if it ran there. */
  async taskIdIn(executionId: string, taskExecId: string): Promise<string | undefined> {
    const indexed = await this.index.find(taskExecId).catch(() => undefined);
    if (indexed?.execution_id === executionId) return indexed.task_id;
    return this.findIn(executionId, taskExecId);
  }

  private async scan(workflowId: string, taskExecId: string): Promise<TaskExecutionRef | undefined> {
    const query = `WorkflowType = '${INTERPRETER_WORKFLOW_TYPE}' AND ${CadenzaWorkflowIdKey.name} = '${workflowId.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}' AND ExecutionStatus = 'Running'`;
    let scanned = 0;
    for await (const info of this.client.workflow.list({ query })) {
      if (++scanned > MAX_SCANNED) break;
      const taskId = await this.findIn(info.workflowId, taskExecId).catch(() => undefined);
      if (taskId !== undefined) return { execution_id: info.workflowId, task_id: taskId };
    }
    return undefined;
  }

  private async findIn(executionId: string, taskExecId: string): Promise<string | undefined> {
    const view = await this.client.withDeadline(Date.now() + QUERY_DEADLINE_MS, () => this.client.workflow.getHandle(executionId).query(executionQuery));
    return view.gates.find((g) => g.task_exec_id === taskExecId)?.task_id ?? view.tasks.find((t) => t.task_exec_id === taskExecId)?.task_id ?? undefined;
  }
}
