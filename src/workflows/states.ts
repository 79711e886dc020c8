/**
 * Execution and task states (docs/design.md §3), as const-object enums with derived union types.
 */

export const ExecutionStatus = {
  Running: 'running',
  Pausing: 'pausing',
  Paused: 'paused',
  Completed: 'completed',
  Failed: 'failed',
  Cancelled: 'cancelled',
  TimedOut: 'timed_out',
} as const;
export type ExecutionStatus = (typeof ExecutionStatus)[keyof typeof ExecutionStatus];

/** Statuses after which nothing more happens in an execution. */
export const terminalExecutionStatuses: readonly ExecutionStatus[] = [
  ExecutionStatus.Completed,
  ExecutionStatus.Failed,
  ExecutionStatus.Cancelled,
  ExecutionStatus.TimedOut,
];

export const TaskStatus = {
  Scheduled: 'scheduled',
  Running: 'running',
  Waiting: 'waiting',
  Succeeded: 'succeeded',
  Failed: 'failed',
  Skipped: 'skipped',
  Cancelled: 'cancelled',
  TimedOut: 'timed_out',
} as const;
export type TaskStatus = (typeof TaskStatus)[keyof typeof TaskStatus];

/** Why an execution is paused (docs/design.md §14.3's `paused_reason`). */
export const PauseReason = {
  Manual: 'manual',
  ApprovalRequired: 'approval_required',
  WaitingForSignal: 'waiting_for_signal',
  TaskFailed: 'task_failed',
  Breakpoint: 'breakpoint',
} as const;
export type PauseReason = (typeof PauseReason)[keyof typeof PauseReason];
