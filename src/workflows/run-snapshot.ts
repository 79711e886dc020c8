/**
 * A task run as plain data, for the state an execution carries when it continues as new
 * (docs/design.md §11). Large inputs and outputs travel as references to the journal event of the
 * earlier run that holds them; the inbound context is rebuilt from the runs scheduled before.
 */
import type { AgentLoopState } from './agent-contracts';
import type { TaskError, ValueRef } from './contracts';
import type { TaskStatus } from './states';
import { TaskRun } from './task-run';

/** Values larger than this (JSON characters) are carried by reference when they have one. */
export const INLINE_VALUE_LIMIT = 8 * 1024;

/** A carried task run. */
export interface RunSnapshot {
  task_id: string;
  task_exec_id: string;
  type: string;
  branch: string | null;
  run_number: number;
  scheduled_at: string;
  status: TaskStatus;
  attempts: number;
  started_at: string | null;
  finished_at: string | null;
  input: unknown;
  input_ref: ValueRef | null;
  input_by_ref: boolean;
  output: unknown;
  output_ref: ValueRef | null;
  output_by_ref: boolean;
  error: TaskError | null;
  input_error: string | null;
  resume_data: unknown;
  context_patch?: Record<string, unknown>;
  /** An agent task's loop (docs/design.md §8). */
  agent?: AgentLoopState;
  /** The `resume` template variable the run saw when it was scheduled. */
  inbound_resume: unknown;
}

/**
 * `run` as plain data; values over `INLINE_VALUE_LIMIT` with a reference are carried by it, but the
 * output stays inline when `inlineOutput` (an open wait condition reads it: signals are checked
 * without any activity) and the run has it.
 */
export function snapshotRun(run: TaskRun, inlineOutput = false): RunSnapshot {
  const inputByRef = run.inputByRef || (run.inputRef !== null && tooLarge(run.input));
  const keepOutput = inlineOutput && !(run.outputByRef && run.output === null);
  const outputByRef = !keepOutput && (run.outputByRef || (run.outputRef !== null && tooLarge(run.output)));
  return {
    task_id: run.taskId,
    task_exec_id: run.taskExecId,
    type: run.type,
    branch: run.branch,
    run_number: run.runNumber,
    scheduled_at: run.scheduledAt,
    status: run.status,
    attempts: run.attempts,
    started_at: run.startedAt,
    finished_at: run.finishedAt,
    input: inputByRef ? null : run.input,
    input_ref: run.inputRef,
    input_by_ref: inputByRef,
    output: outputByRef ? null : run.output,
    output_ref: run.outputRef,
    output_by_ref: outputByRef,
    error: run.error,
    input_error: run.inputError,
    resume_data: run.resumeData,
    ...(run.contextPatch !== undefined && { context_patch: run.contextPatch }),
    ...(run.agent !== null && { agent: run.agent }),
    inbound_resume: (run.inboundContext as { resume?: unknown }).resume ?? null,
  };
}

/** The run `snapshot` describes, seeing `inbound` (rebuilt by the caller). */
export function restoreRun(snapshot: RunSnapshot, inbound: Record<string, unknown>): TaskRun {
  const run = new TaskRun(snapshot.task_id, snapshot.task_exec_id, snapshot.type, snapshot.branch, inbound, snapshot.run_number, snapshot.scheduled_at);
  run.status = snapshot.status;
  run.attempts = snapshot.attempts;
  run.startedAt = snapshot.started_at;
  run.finishedAt = snapshot.finished_at;
  run.input = snapshot.input;
  run.inputRef = snapshot.input_ref;
  run.inputByRef = snapshot.input_by_ref;
  run.output = snapshot.output;
  run.outputRef = snapshot.output_ref;
  run.outputByRef = snapshot.output_by_ref;
  run.error = snapshot.error;
  run.inputError = snapshot.input_error;
  run.resumeData = snapshot.resume_data;
  run.contextPatch = snapshot.context_patch;
  run.agent = snapshot.agent ?? null;
  return run;
}

function tooLarge(value: unknown): boolean {
  if (value === null || value === undefined || typeof value !== 'object') return typeof value === 'string' && value.length > INLINE_VALUE_LIMIT;
  return JSON.stringify(value).length > INLINE_VALUE_LIMIT;
}
