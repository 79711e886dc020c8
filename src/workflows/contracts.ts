/**
 * Data contracts between the interpreter workflow and its callers (API, CLI, NATS).
 * Everything here crosses Temporal's payload converter, so it is plain JSON.
 */
import type { VersionedDefinition } from '../definitions/schema';
import type { AgentLoopState } from './agent-contracts';
import type { JournalEvent } from './events';
import type { ExecutionStatus, PauseReason, TaskStatus } from './states';

/** Name of the one workflow type that runs every definition. */
export const INTERPRETER_WORKFLOW_TYPE = 'cadenzaInterpreter';

/** Input of the interpreter workflow. The definition snapshot travels with it (docs/design.md §1). */
export interface ExecutionInput {
  definition: VersionedDefinition;
  /** Trigger input, already validated against `definition.input`. */
  input: unknown;
  /** Allow-listed environment captured at trigger time (template variable `env`). */
  env: Record<string, string>;
  trigger: {
    source: 'api' | 'nats' | 'event' | 'cli' | 'schedule';
    actor?: string;
    idempotency_key?: string;
  };
  /** Limits an operator chose (docs/design.md §11); absent means Cadenza's defaults. */
  limits?: {
    /** Continue as new once a run's history holds this many events (at most 10,000, the default). */
    continue_after_events?: number;
  };
}

/** Final result of an execution (the workflow's return value). */
export interface ExecutionResult {
  execution_id: string;
  status: ExecutionStatus;
  outputs: Record<string, unknown>;
}

/** An open gate (docs/design.md §3). Filled by pause/approval/wait work; empty until then. */
export interface GateView {
  task_id: string | null;
  task_exec_id: string | null;
  reason: PauseReason;
  opened_at: string;
  branch: string | null;
  /** Where the branch goes once the gate is resolved (for approvals: the approve path). */
  next_task_id: string | null;
  data: Record<string, unknown>;
}

/** Seed 003's pause fields. */
export interface PauseView {
  paused_at: string;
  reason: PauseReason;
  task_id: string | null;
  next_task_id: string | null;
  resume_data: unknown;
  gates: GateView[];
}

/** Answer of `statusQuery` (and of `GET /executions/{id}/status`). */
export interface StatusView {
  execution_id: string;
  workflow_id: string;
  workflow_version: number;
  status: ExecutionStatus;
  pause: PauseView | null;
  started_at: string;
  finished_at: string | null;
  /** Ids of the tasks that are scheduled, running or waiting right now. */
  active_tasks: string[];
  error: ExecutionError | null;
}

export interface ExecutionError {
  message: string;
  type: string | null;
  task_id: string | null;
}

/** Error of one task attempt, as recorded in the journal and task context. */
export interface TaskError {
  message: string;
  type: string | null;
  non_retryable: boolean;
  details?: unknown;
}

/** Summary of one task's latest run. */
export interface TaskView {
  task_id: string;
  task_exec_id: string;
  type: string;
  status: TaskStatus;
  /** Branch path for tasks inside parallel branches, e.g. `fanout/left`; null at top level. */
  branch: string | null;
  attempts: number;
  scheduled_at: string;
  started_at: string | null;
  finished_at: string | null;
  output: unknown;
  error: TaskError | null;
  /** Set when `output` is null because an earlier run holds it, or the execution view left a large output out (docs/design.md §11): read that event's `data.output`, or the task context. */
  output_ref?: ValueRef;
}

/** A value an earlier run of the execution holds: the journal event (`seq`) of run `run_id` that carries it. */
export interface ValueRef {
  run_id: string;
  seq: number;
}

/** Answer of `executionQuery` (and of `GET /executions/{id}`). */
export interface ExecutionView extends StatusView {
  input: unknown;
  tasks: TaskView[];
  gates: GateView[];
  outputs: Record<string, unknown> | null;
  last_seq: number;
}

/** Answer of `taskContextQuery` (docs/design.md §14.4's "view context"). */
export interface TaskContextView extends TaskView {
  /** What the task saw when it was scheduled: input, outputs of earlier tasks, execution, env. */
  inbound_context: Record<string, unknown>;
  /** The task's resolved input (templates evaluated), or the input a repair supplied. */
  input: unknown;
  /** Set when `input` is null because an earlier run holds it: read that event's `data.input`. */
  input_ref?: ValueRef;
  /** Data of the TaskResume that last woke the task, if any. */
  resume_data: unknown;
  /** Every run of this task in this execution, oldest first (a resume may re-run a task). */
  runs: TaskView[];
  /** An agent task's conversation, tool calls and usage (docs/design.md §8). */
  agent?: AgentLoopState;
  /** The URL that resumes this run while it waits (docs/design.md §9); null when it has none open. */
  callback_url?: string | null;
}

export interface EventsQueryArgs {
  /** Return events with `seq` greater than this. */
  after?: number;
  limit?: number;
}

export interface EventsPage {
  events: JournalEvent[];
  last_seq: number;
  /** True when events after the returned page exist. */
  has_more: boolean;
  /**
   * Seq of the first event the answering run holds (docs/design.md §11); earlier events are read from
   * `previous_run_id`. Absent in answers of runs from before long life (read as 1).
   */
  first_seq?: number;
  /** The run the answering run continued from; null (or absent) for the first run. */
  previous_run_id?: string | null;
}

/** Request to the task activity; one call per attempt. */
export interface TaskActivityRequest {
  tool: string;
  input: unknown;
  execution_id: string;
  workflow_id: string;
  task_id: string;
  task_exec_id: string;
  attempt: number;
  /** Stable across every attempt of one task execution. */
  idempotency_key: string;
  resume?: unknown;
}

export interface TaskActivityResult {
  output: unknown;
  /** Set when the tool asked to wait (docs/design.md §14.0) instead of finishing. */
  wait?: { wait_reason: string; resume_conditions?: Record<string, unknown>; resume_schema?: Record<string, unknown> };
  /** When the attempt started running on a worker (ISO-8601). */
  started_at: string;
}
