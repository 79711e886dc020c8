/**
 * The views of an execution, as pure functions of the state they read: the pause (journaled with
 * `WorkflowExecutionPaused` and part of the status), and the answers of the `status`, `execution`
 * and `taskContext` queries.
 */
import type { ExecutionError, ExecutionView, PauseView, StatusView, TaskContextView } from './contracts';
import type { Gate } from './gates';
import type { ManualPause } from './manual-pause';
import { ExecutionStatus, PauseReason } from './states';
import type { TaskRun } from './task-run';
import { taskViewsWithinBudget } from './view-budget';

/** What the views read of the execution's record. */
export interface RecordState {
  status: ExecutionStatus;
  closed: boolean;
  startedAt: string;
  finishedAt: string | null;
  /** When the execution became paused; null while it is not paused. */
  pausedAt: string | null;
  error: ExecutionError | null;
  outputs: Record<string, unknown> | null;
}

/** What the pause view reads. */
export interface PauseState extends Pick<RecordState, 'status' | 'pausedAt'> {
  openGates: readonly Gate[];
  manualPause: ManualPause | null;
  /** Tasks a manual pause holds before they start, in the order they were first held. */
  heldTaskIds: readonly string[];
  /** A manual pause holds the closing of an execution whose flow has ended. */
  closingHeld: boolean;
  /** Data the last resume, decision or task resume brought. */
  resumeData: unknown;
}

/** What the status and execution views read. */
export interface ExecutionState extends PauseState, RecordState {
  executionId: string;
  workflowId: string;
  workflowVersion: number;
  /** The execution's input (`null` when it had none). */
  input: unknown;
  /** Every task run, in the order they were scheduled. */
  runs: readonly TaskRun[];
  /** The latest run of each task. */
  latestRun: ReadonlyMap<string, TaskRun>;
  /** `seq` of the last journal event. */
  lastSeq: number;
}

/**
 * The pause: every open gate, a manual pause first; the top-level fields come from the first gate.
 * Null when nothing pauses the execution. Also reports a pause as it is being reached, so the event
 * that journals it can carry it.
 */
export function pauseView(state: PauseState): PauseView | null {
  const { status, manualPause } = state;
  if (status !== ExecutionStatus.Paused && status !== ExecutionStatus.Pausing && manualPause === null) {
    if (state.openGates.length === 0) return null;
  }
  const gates = state.openGates.map((g) => g.view());
  if (manualPause !== null) {
    gates.unshift({
      task_id: null,
      task_exec_id: null,
      reason: PauseReason.Manual,
      opened_at: manualPause.requested_at,
      branch: null,
      next_task_id: state.heldTaskIds[0] ?? null,
      data: {
        reason: manualPause.reason,
        mode: manualPause.mode,
        actor: manualPause.actor,
        held: [...state.heldTaskIds],
        // The flow has ended: the execution closes once it is resumed.
        ...(state.closingHeld && { holds_closing: true }),
      },
    });
  }
  const first = gates[0];
  if (first === undefined) return null;
  return {
    paused_at: state.pausedAt ?? first.opened_at,
    reason: first.reason,
    task_id: first.task_id,
    next_task_id: first.next_task_id,
    resume_data: state.resumeData,
    gates,
  };
}

/** Answer of the `status` query. */
export function statusView(state: ExecutionState): StatusView {
  const pausedLike = state.status === ExecutionStatus.Paused || state.status === ExecutionStatus.Pausing;
  return {
    execution_id: state.executionId,
    workflow_id: state.workflowId,
    workflow_version: state.workflowVersion,
    status: state.status,
    pause: pausedLike ? pauseView(state) : null,
    started_at: state.startedAt,
    finished_at: state.finishedAt,
    active_tasks: state.runs.filter((r) => r.active).map((r) => r.taskId),
    error: state.error,
  };
}

/** Answer of the `execution` query: the status, the latest run of every task, the open gates. */
export function executionView(state: ExecutionState): ExecutionView {
  return {
    ...statusView(state),
    input: state.input,
    tasks: taskViewsWithinBudget([...state.latestRun.values()]),
    gates: state.closed ? [] : (pauseView(state)?.gates ?? []),
    outputs: state.outputs,
    last_seq: state.lastSeq,
  };
}

/** Answer of the `taskContext` query: the latest run of `taskId` with every run of it; null if it never ran. */
export function taskContextView(state: Pick<ExecutionState, 'runs' | 'latestRun'>, taskId: string): TaskContextView | null {
  const run = state.latestRun.get(taskId);
  if (run === undefined) return null;
  return run.contextView(state.runs.filter((r) => r.taskId === taskId).map((r) => r.view()));
}
