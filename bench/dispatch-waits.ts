/**
 * Dispatch waits read from an execution's history (server timestamps): how long each workflow task
 * waited between WorkflowTaskScheduled and WorkflowTaskStarted, and each activity between
 * ActivityTaskScheduled and ActivityTaskStarted (an eagerly dispatched activity starts at once), plus
 * the execution's own span, WorkflowExecutionStarted → closed.
 */
import type { Client } from '@temporalio/client';
import { tsToMs } from '@temporalio/common/lib/time';

export interface ExecutionTimings {
  /** WorkflowExecutionStarted → the close event (ms). */
  span_ms: number;
  workflow_task_waits_ms: number[];
  activity_waits_ms: number[];
  /** Local activities recorded (markers), for the record. */
  local_activities: number;
}

type HistoryEvent = NonNullable<Awaited<ReturnType<ReturnType<Client['workflow']['getHandle']>['fetchHistory']>>['events']>[number];

export async function executionTimings(client: Client, workflowId: string): Promise<ExecutionTimings> {
  const events = (await client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
  const byId = new Map<number, HistoryEvent>();
  for (const e of events) byId.set(Number(e.eventId), e);
  const wftWaits: number[] = [];
  const activityWaits: number[] = [];
  let locals = 0;
  let previous: HistoryEvent | undefined;
  for (const e of events) {
    if (e.workflowTaskStartedEventAttributes && previous?.workflowTaskScheduledEventAttributes) wftWaits.push(time(e) - time(previous));
    const scheduledId = e.activityTaskStartedEventAttributes?.scheduledEventId;
    const scheduled = scheduledId == null ? undefined : byId.get(Number(scheduledId));
    if (scheduled) activityWaits.push(time(e) - time(scheduled));
    if (e.markerRecordedEventAttributes?.markerName === 'core_local_activity') locals++;
    previous = e;
  }
  const first = events[0];
  const last = events[events.length - 1];
  return { span_ms: first && last ? time(last) - time(first) : Number.NaN, workflow_task_waits_ms: wftWaits, activity_waits_ms: activityWaits, local_activities: locals };
}

function time(event: HistoryEvent): number {
  return tsToMs(event.eventTime);
}
