/**
 * The histories a fuzz left behind, read run by run (a target may continue as new under fire), and
 * what went wrong in them.
 */
import type { Client } from '@temporalio/client';
import type { History } from '@temporalio/common/lib/proto-utils';
import { temporal } from '@temporalio/proto';
import type { NamedHistory } from '../harness/replay-histories';

/**
 * Every run of a workflow from `firstRunId` on, each as its own history named `workflowId/runId`;
 * without `firstRunId`, its latest run only.
 */
export async function runsOf(client: Client, workflowId: string, firstRunId?: string): Promise<NamedHistory[]> {
  const runs: NamedHistory[] = [];
  for (let run = firstRunId; ; ) {
    const history: History = await client.workflow.getHandle(workflowId, run).fetchHistory();
    const events = history.events ?? [];
    runs.push({ workflowId: `${workflowId}/${run ?? 'latest'}`, history });
    run = events.at(-1)?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
    if (run === undefined || firstRunId === undefined) return runs;
  }
}

/**
 * Temporal refuses a closing command (continue-as-new) when events came in while the workflow task
 * ran, so the workflow sees them first; the SDK runs the task again with them. Nothing went wrong.
 */
const { WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND } = temporal.api.enums.v1.WorkflowTaskFailedCause;

/** What went wrong in histories: failed workflow tasks (but for new events racing a continue-as-new), a failed execution. */
export function breakage(runs: readonly NamedHistory[]): string[] {
  return runs.flatMap(({ history }) =>
    (history.events ?? []).flatMap((e) => {
      const failedTask = e.workflowTaskFailedEventAttributes;
      if (failedTask?.cause === WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND) return [];
      if (failedTask) return [`event ${String(e.eventId)} WorkflowTaskFailed (cause ${String(failedTask.cause)}): ${failedTask.failure?.message?.slice(0, 200) ?? ''}`];
      if (e.workflowExecutionFailedEventAttributes) return [`event ${String(e.eventId)} WorkflowExecutionFailed: ${e.workflowExecutionFailedEventAttributes.failure?.message ?? ''}`];
      return [];
    }),
  );
}
