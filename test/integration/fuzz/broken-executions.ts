/**
 * After a fuzz run: which executions of a task queue did the input break? An execution whose workflow
 * task keeps failing neither fails nor moves (Temporal retries the task forever), and one whose task
 * Temporal itself refused (a search attribute over its size limit) is terminated by Temporal. Nothing
 * in a fuzz run terminates an execution, so either is a crash the edge let through.
 */
import type { Client } from '@temporalio/client';

/** An execution the fuzzing broke, and how. */
export interface BrokenExecution {
  execution_id: string;
  problem: string;
}

/** Executions on `taskQueue` that Temporal terminated, or whose pending workflow task is a retry. */
export async function brokenExecutions(client: Client, taskQueue: string): Promise<BrokenExecution[]> {
  const broken: BrokenExecution[] = [];
  for await (const info of client.workflow.list({ query: `TaskQueue = '${taskQueue}'` })) {
    if (info.status.name === 'TERMINATED') {
      broken.push({ execution_id: info.workflowId, problem: 'terminated by Temporal' });
      continue;
    }
    if (info.status.name !== 'RUNNING') continue;
    const attempt = (await client.workflow.getHandle(info.workflowId).describe()).raw.pendingWorkflowTask?.attempt ?? 0;
    if (attempt > 1) broken.push({ execution_id: info.workflowId, problem: `workflow task on attempt ${attempt}` });
  }
  return broken;
}
