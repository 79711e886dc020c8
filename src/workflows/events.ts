/**
 * The execution journal's event shapes (docs/design.md §6), with Compozy's event names.
 */

export const EventType = {
  WorkflowExecutionStarted: 'WorkflowExecutionStarted',
  WorkflowExecutionPaused: 'WorkflowExecutionPaused',
  WorkflowExecutionResumed: 'WorkflowExecutionResumed',
  WorkflowExecutionSuccess: 'WorkflowExecutionSuccess',
  WorkflowExecutionFailed: 'WorkflowExecutionFailed',
  WorkflowExecutionCancelled: 'WorkflowExecutionCancelled',
  WorkflowExecutionTimedOut: 'WorkflowExecutionTimedOut',
  TaskScheduled: 'TaskScheduled',
  TaskDispatched: 'TaskDispatched',
  TaskExecutionStarted: 'TaskExecutionStarted',
  TaskExecutionSuccess: 'TaskExecutionSuccess',
  TaskExecutionFailed: 'TaskExecutionFailed',
  TaskExecutionCancelled: 'TaskExecutionCancelled',
  TaskRetryScheduled: 'TaskRetryScheduled',
  TaskWaitingStarted: 'TaskWaitingStarted',
  TaskWaitingResumed: 'TaskWaitingResumed',
  TaskWaitingTimedOut: 'TaskWaitingTimedOut',
  TaskSkipped: 'TaskSkipped',
  ApprovalRequested: 'ApprovalRequested',
  ApprovalDecided: 'ApprovalDecided',
  CommandRejected: 'CommandRejected',
  AgentExecutionStarted: 'AgentExecutionStarted',
  AgentExecutionSuccess: 'AgentExecutionSuccess',
  AgentExecutionFailed: 'AgentExecutionFailed',
  ToolExecutionStarted: 'ToolExecutionStarted',
  ToolExecutionSuccess: 'ToolExecutionSuccess',
  ToolExecutionFailed: 'ToolExecutionFailed',
} as const;
export type EventType = (typeof EventType)[keyof typeof EventType];

/** One journal entry. `seq` starts at 1 and has no gaps within an execution. */
export interface JournalEvent {
  /** Unique across executions and runs; used as the JetStream message id. */
  id: string;
  seq: number;
  type: EventType;
  /** ISO-8601 time of the change (workflow time, so deterministic on replay). */
  time: string;
  execution_id: string;
  workflow_id: string;
  task_id?: string;
  task_exec_id?: string;
  attempt?: number;
  actor?: string;
  data: Record<string, unknown>;
}
