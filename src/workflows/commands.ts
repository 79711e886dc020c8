/**
 * Operator commands (docs/design.md §4) as they reach the workflow: as signals (Temporal CLI, Web UI, NATS) or
 * as updates with validators (REST). Both paths run the same validation and the same handler.
 */

export const PauseMode = { Graceful: 'graceful', Immediate: 'immediate' } as const;
export type PauseMode = (typeof PauseMode)[keyof typeof PauseMode];

export const ResumeMode = { Continue: 'continue', Retry: 'retry', Skip: 'skip' } as const;
export type ResumeMode = (typeof ResumeMode)[keyof typeof ResumeMode];

/** `pause`: graceful lets in-flight tasks finish; immediate cancels them and re-runs them on resume. */
export interface PauseCommand {
  reason?: string;
  mode?: PauseMode;
  actor?: string;
}

/** Per-task part of a resume: retry with an optional input override, or skip with a supplied output. */
export interface ResumeTaskSpec {
  /** Defaults to the command's mode. */
  action?: 'retry' | 'skip';
  /** retry: replaces the resolved input. */
  input?: unknown;
  /** skip: the task's output (checked against its `output_schema`). */
  output?: unknown;
}

/** `resume` (docs/design.md §14.3, §14.4). */
export interface ResumeCommand {
  mode?: ResumeMode;
  tasks?: Record<string, ResumeTaskSpec>;
  /** Deep-merged into the inbound context of every task this resume re-runs. */
  context?: Record<string, unknown>;
  reason?: string;
  actor?: string;
}

/** `taskResume` (docs/design.md §14.0): wakes a waiting task; address it by `task_exec_id` or `task_id`. */
export interface TaskResumeCommand {
  task_exec_id?: string;
  task_id?: string;
  resume_data?: unknown;
  actor?: string;
}

/** `decide`: an approval decision. `actor`/`roles` come from the authenticated caller (REST, NATS). */
export interface DecideCommand {
  task_id: string;
  /** Names one run of the approval task; needed only when several runs of it wait. */
  task_exec_id?: string;
  decision: 'approve' | 'reject';
  comment?: string;
  data?: unknown;
  actor: string;
  roles?: string[];
}

/** Stable types of refused commands; the API maps them onto problem+json types and statuses. */
export const CommandErrorType = {
  ExecutionClosed: 'execution_closed',
  AlreadyPaused: 'already_paused',
  NotPaused: 'not_paused',
  ResumeRequirementsUnmet: 'resume_requirements_unmet',
  TaskAlreadyCompleted: 'task_already_completed',
  TaskNotFound: 'task_not_found',
  TaskAmbiguous: 'task_ambiguous',
  TaskNotGated: 'task_not_gated',
  TaskNotWaiting: 'task_not_waiting',
  ApprovalNotPending: 'approval_not_pending',
  ApproverNotAllowed: 'approver_not_allowed',
  DecisionInvalid: 'decision_invalid',
  ResumeDataInvalid: 'resume_data_invalid',
  OutputInvalid: 'output_invalid',
  ConditionNotMet: 'condition_not_met',
  CommandInvalid: 'command_invalid',
  CommandDataTooLarge: 'command_data_too_large',
  /** A callback URL used up, expired with its gate, or revoked (docs/design.md §9). */
  CallbackGone: 'callback_gone',
} as const;
export type CommandErrorType = (typeof CommandErrorType)[keyof typeof CommandErrorType];

/** What a resume needs and does not have: docs/design.md §14.4's "resume tells you what is missing". */
export interface MissingRequirement {
  task_id: string;
  need: string;
}

/** The effect a resume would have (the dry run's answer, and the update's result). */
export interface ResumePlan {
  /** False when the resume would be refused; `error` says why. */
  ok: boolean;
  error: { type: CommandErrorType; message: string } | null;
  missing: MissingRequirement[];
  /** Gates a resume clears: manual pause, breakpoints. */
  continues: Array<{ reason: string; task_id: string | null }>;
  retries: Array<{ task_id: string; task_exec_id: string; input: 'override' | 'resolved again' }>;
  skips: Array<{ task_id: string; task_exec_id: string; output: unknown }>;
  /** Gates that stay open after this resume (approvals, waits). */
  still_open: Array<{ task_id: string | null; reason: string }>;
}

/** A command refused before it reached the workflow's handlers, to be journaled as CommandRejected. */
export interface CommandRejectedNotice {
  command: string;
  type: string;
  message: string;
  payload?: unknown;
  actor?: string;
}
