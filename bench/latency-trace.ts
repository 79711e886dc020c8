/**
 * Where the resume latency goes, from the execution's own history: the server stamps each event on
 * the same machine clock as the client, so one resume splits into
 *   sent → workflow task scheduled (API, gRPC, the update reaching history),
 *   scheduled → started (the task waiting for the worker's poll),
 *   started → completed (the worker: activation, validator, handler, scheduling the next activity),
 *   completed → the activity running in the worker (eager dispatch or a matching round trip).
 */
import type { Client } from '@temporalio/client';
import { tsToMs } from '@temporalio/common/lib/time';
import { type Distribution, distribution } from './stats';

export interface TracedSample {
  executionId: string;
  sentAt: number;
  activityStartedAt: number;
}

export interface LatencyBreakdown {
  traced: number;
  to_server_ms: Distribution;
  task_queue_wait_ms: Distribution;
  worker_task_ms: Distribution;
  to_activity_start_ms: Distribution;
}

type HistoryEvent = NonNullable<Awaited<ReturnType<ReturnType<Client['workflow']['getHandle']>['fetchHistory']>>['events']>[number];

export async function traceSamples(client: Client, samples: readonly TracedSample[]): Promise<LatencyBreakdown> {
  const toServer: number[] = [];
  const queueWait: number[] = [];
  const worker: number[] = [];
  const toActivity: number[] = [];
  for (const sample of samples) {
    const history = await client.workflow.getHandle(sample.executionId).fetchHistory();
    const events = history.events ?? [];
    // The workflow task that ran the command: the first one stamped after the command was sent.
    const scheduledIndex = events.findIndex((e) => e.workflowTaskScheduledEventAttributes && time(e) >= sample.sentAt);
    const scheduled = events[scheduledIndex];
    const started = events.slice(scheduledIndex).find((e) => e.workflowTaskStartedEventAttributes);
    const completed = events.slice(scheduledIndex).find((e) => e.workflowTaskCompletedEventAttributes);
    if (!scheduled || !started || !completed) continue;
    toServer.push(time(scheduled) - sample.sentAt);
    queueWait.push(time(started) - time(scheduled));
    worker.push(time(completed) - time(started));
    toActivity.push(sample.activityStartedAt - time(completed));
  }
  return {
    traced: toServer.length,
    to_server_ms: distribution(toServer),
    task_queue_wait_ms: distribution(queueWait),
    worker_task_ms: distribution(worker),
    to_activity_start_ms: distribution(toActivity),
  };
}

function time(event: HistoryEvent): number {
  return tsToMs(event.eventTime);
}
