/**
 * The JSON body of a published event: the journal event as it is, plus the seeds' payload fields at
 * the top level (`workflow_exec_id`, `inputs`, `outputs`, `wait_reason`, `resume_conditions`,
 * `resume_data`, `error`), so a Compozy consumer finds them where the seeds put them.
 */
import { EventType, type JournalEvent } from '../workflows/events';

export interface PublishedEvent extends JournalEvent {
  /** The seeds' name for the execution id. */
  workflow_exec_id: string;
  inputs?: unknown;
  outputs?: unknown;
  wait_reason?: unknown;
  resume_conditions?: unknown;
  resume_data?: unknown;
  error?: unknown;
}

export function publishedEvent(event: JournalEvent): PublishedEvent {
  const data = event.data;
  const seed: Partial<PublishedEvent> = {};
  switch (event.type) {
    case EventType.WorkflowExecutionStarted:
      seed.inputs = data.input ?? null;
      break;
    case EventType.TaskScheduled:
    case EventType.TaskDispatched:
      // The resolved input, where the journal carries it.
      if ('input' in data) seed.inputs = data.input;
      break;
    case EventType.TaskExecutionSuccess:
      seed.outputs = data.output ?? null;
      break;
    case EventType.WorkflowExecutionSuccess:
      seed.outputs = data.outputs ?? null;
      break;
    case EventType.TaskWaitingStarted:
      seed.wait_reason = data.wait_reason ?? null;
      seed.resume_conditions = data.resume_conditions ?? {};
      break;
    case EventType.TaskWaitingResumed:
      seed.resume_data = data.resume_data ?? null;
      break;
    case EventType.TaskExecutionFailed:
    case EventType.TaskRetryScheduled:
    case EventType.WorkflowExecutionFailed:
      seed.error = data.error ?? null;
      break;
    default:
      break;
  }
  return { ...event, workflow_exec_id: event.execution_id, ...seed };
}

/** Header names set on every published event, so consumers can route without parsing the body. */
export const EventHeader = {
  Type: 'Cadenza-Event-Type',
  Seq: 'Cadenza-Seq',
  ExecutionId: 'Cadenza-Execution-Id',
  WorkflowId: 'Cadenza-Workflow-Id',
} as const;
