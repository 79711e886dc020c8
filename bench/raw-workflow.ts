/**
 * The baseline of the overhead bench: the same three activities a 3-task linear Cadenza definition
 * runs (`runTask` with the `echo` tool, same activity options as `basic-task.ts`), hand-written as a
 * plain Temporal workflow. No journal, gates, templates or search attributes: what Cadenza adds is the
 * difference. It is bundled on its own, so it pays none of Cadenza's per-workflow module setup.
 */
import { ActivityCancellationType, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { CadenzaActivities } from '../src/activities';

/** Workflow type name the bench starts. */
export const RAW_WORKFLOW_TYPE = 'rawThreeTasks';

export interface RawWorkflowInput {
  input: unknown;
}

// The options basic-task.ts uses for a task without its own timeout settings.
const { runTask } = proxyActivities<CadenzaActivities>({
  startToCloseTimeout: '5m',
  heartbeatTimeout: '30s',
  retry: { maximumAttempts: 1 },
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
});

export async function rawThreeTasks(args: RawWorkflowInput): Promise<unknown> {
  const executionId = workflowInfo().workflowId;
  let value: unknown = args.input;
  for (const taskId of ['one', 'two', 'three']) {
    const result = await runTask({
      tool: 'echo',
      input: { value },
      execution_id: executionId,
      workflow_id: RAW_WORKFLOW_TYPE,
      task_id: taskId,
      task_exec_id: taskId,
      attempt: 1,
      idempotency_key: `${executionId}:${taskId}`,
    });
    value = (result.output as { value?: unknown } | null)?.value;
  }
  return value;
}
