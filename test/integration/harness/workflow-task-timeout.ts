/**
 * The workflow task timeout an execution's run started with (docs/design.md §13: `local: true`
 * definitions start with `LOCAL_WORKFLOW_TASK_TIMEOUT`), read back from Temporal, in whole seconds.
 */
import type { WorkflowHandle } from '@temporalio/client';
import { msToNumber } from '@temporalio/common/lib/time';
import { LOCAL_WORKFLOW_TASK_TIMEOUT } from '../../../src/definitions/local-tasks';

/** `LOCAL_WORKFLOW_TASK_TIMEOUT` as `workflowTaskTimeoutSeconds` reports it. */
export const LOCAL_WORKFLOW_TASK_TIMEOUT_SECONDS = String(msToNumber(LOCAL_WORKFLOW_TASK_TIMEOUT) / 1000);

/** The run's default workflow task timeout in seconds, as Temporal describes it (`undefined` if unset). */
export async function workflowTaskTimeoutSeconds(handle: WorkflowHandle): Promise<string | undefined> {
  return (await handle.describe()).raw.executionConfig?.defaultWorkflowTaskTimeout?.seconds?.toString();
}
