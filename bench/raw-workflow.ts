/**
 * The baseline of the overhead bench: the same three activities a 3-task linear Cadenza definition
 * runs (`runTask` with the `echo` tool, same activity options as `basic-task.ts`), hand-written as a
 * plain Temporal workflow. No journal, gates, templates or search attributes: what Cadenza adds is the
 * difference. It is bundled on its own, so it pays none of Cadenza's per-workflow module setup.
 */
import { ActivityCancellationType, condition, defineUpdate, proxyActivities, proxyLocalActivities, setHandler, workflowInfo } from '@temporalio/workflow';
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

// What task-activity.ts uses for a local task without its own timeout.
const local = proxyLocalActivities<CadenzaActivities>({
  startToCloseTimeout: '10s',
  retry: { maximumAttempts: 1 },
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
}).runTask;

export async function rawThreeTasks(args: RawWorkflowInput): Promise<unknown> {
  return chain(['one', 'two', 'three'], args.input, runTask);
}

/** Workflow type of the chain bench's baseline. */
export const RAW_CHAIN_TYPE = 'rawChain';

export interface RawChainInput {
  tasks: number;
  local: boolean;
  input: unknown;
}

/** N `echo` tasks in a line, as activities or as local activities (the chain bench's baseline). */
export async function rawChain(args: RawChainInput): Promise<unknown> {
  const ids = Array.from({ length: args.tasks }, (_, i) => `t${i + 1}`);
  return chain(ids, args.input, args.local ? local : runTask);
}

async function chain(taskIds: readonly string[], input: unknown, run: typeof runTask): Promise<unknown> {
  const executionId = workflowInfo().workflowId;
  let value: unknown = input;
  for (const taskId of taskIds) {
    const result = await run(taskRequest(executionId, RAW_WORKFLOW_TYPE, taskId, 'echo', { value }));
    value = (result.output as { value?: unknown } | null)?.value;
  }
  return value;
}

/** Workflow type of the scale bench's baseline. */
export const RAW_PAUSED_TYPE = 'rawPaused';

/** The baseline's resume: an update with a validator, as Cadenza's resume is. */
export const rawResumeUpdate = defineUpdate<string, [reason: string]>('resume');

/**
 * The scale bench's baseline: waits to be resumed (an update whose validator refuses a second one),
 * then runs the one `bench-mark` task Cadenza's breakpoint execution runs, and completes.
 */
export async function rawPaused(args: { tool: string }): Promise<unknown> {
  let resumed = false;
  setHandler(rawResumeUpdate, (_reason: string) => ((resumed = true), 'running'), {
    validator: (_reason: string) => {
      if (resumed) throw new Error('not paused');
    },
  });
  await condition(() => resumed);
  const executionId = workflowInfo().workflowId;
  return runTask(taskRequest(executionId, RAW_PAUSED_TYPE, 'mark', args.tool, {}));
}

/** The `runTask` request of a baseline task: first attempt, the task id as its execution id. */
function taskRequest(executionId: string, workflowType: string, taskId: string, tool: string, input: unknown): Parameters<typeof runTask>[0] {
  return { tool, input, execution_id: executionId, workflow_id: workflowType, task_id: taskId, task_exec_id: taskId, attempt: 1, idempotency_key: `${executionId}:${taskId}` };
}
