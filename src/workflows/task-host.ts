/**
 * What the task runners (basic, router, parallel, approval, wait) need from the execution they run in.
 */
import type { CancellationScope } from '@temporalio/workflow';
import type { Agent, Task } from '../definitions/schema';
import type { TaskError } from './contracts';
import type { CallbackRegistry } from './callbacks';
import type { ExecutionBehaviour } from './execution-behaviour';
import type { Gate, GateRegistry, GateResolution } from './gates';
import type { FlowPosition } from './flow-positions';
import type { Journal } from './journal';
import type { TaskRun } from './task-run';

/** One activity attempt in flight; an immediate pause cancels its scope. */
export interface InFlightAttempt {
  run: TaskRun;
  scope: CancellationScope;
  interruptedByPause: boolean;
}

/** How a flow (the top level or one parallel branch) ended. */
export interface FlowOutcome {
  status: 'succeeded' | 'failed';
  /** The last task run of the flow (its output is the branch output). */
  last: TaskRun | undefined;
}

/** The transitions of a run, each journaled (`TaskLedger`); succeed() and fail() also refresh the status. */
export interface RunTransitions {
  /** Marks a task that runs inside the workflow (router, parallel) as started. */
  startInline(run: TaskRun): void;
  /** Ends a run as succeeded with `output`. */
  succeed(run: TaskRun, output: unknown): void;
  /** Ends a run as failed (or timed out) with `error`, and with `output` when one is given. */
  fail(run: TaskRun, error: TaskError, options?: { status?: 'failed' | 'timed_out'; output?: unknown }): void;
  /** Cancels a run that is still active; an ended run stays as it ended. */
  cancel(run: TaskRun, reason: string): void;
  /** Ends a failed run as skipped, with the output a repair supplied. */
  skip(run: TaskRun, output: unknown): void;
  /** Publishes a run's latest state to the `tasks` template variable. */
  record(run: TaskRun): void;
}

/** The execution as the task runners see it. */
export interface TaskHost {
  readonly journal: Journal;
  readonly gates: GateRegistry;
  readonly identity: { executionId: string; workflowId: string };
  /** The definition's agents by id (docs/design.md §8). */
  readonly agents: ReadonlyMap<string, Agent>;
  /** The behaviour switches of this execution (router: strict routes; parallel: settled branches). */
  readonly behaviour: ExecutionBehaviour;
  /** The transitions of the runs, and any run by its `task_exec_id`. */
  readonly tasks: RunTransitions & { findByExecId(taskExecId: string): TaskRun | undefined };
  /** The callback URLs of waiting runs (docs/design.md §9). */
  readonly callbacks: CallbackRegistry;
  /** Opens a gate and updates status and search attributes. */
  openGate(gate: Gate): Gate;
  /**
   * Waits at an open gate until it is resolved (or times out); a cancelled wait releases the gate.
   * Meanwhile the flow is parked at `position` (docs/design.md §11).
   */
  awaitGate(gate: Gate, timeoutMs?: number, position?: FlowPosition): Promise<GateResolution>;
  /**
   * Waits while a manual pause holds new dispatches, or — parked at `position` — while the execution
   * is about to continue as new; `nextTaskId` is what `branch` would run.
   */
  holdIfPaused(nextTaskId: string, branch: string | null, position?: FlowPosition): Promise<void>;
  /** Runs `wait` (a retry's backoff) with the flow of `branch` parked at `position` while `parked()` holds. */
  parkWhile<T>(branch: string | null, position: FlowPosition | undefined, parked: () => boolean, wait: () => Promise<T>): Promise<T>;
  trackAttempt(run: TaskRun, scope: CancellationScope): InFlightAttempt;
  untrackAttempt(attempt: InFlightAttempt): void;
  /** Recomputes the execution status (running, pausing, paused) after a change. */
  refreshStatus(): void;
  /** Runs a flow (a parallel task's branch) from its first task until a task has nowhere to go. */
  runFlow(tasks: readonly Task[], branch: string): Promise<FlowOutcome>;
  /** Runs `wait` (a parallel task's branches) while the flow of `branch` counts as blocked on it, parked at `position`. */
  whileWaitingOnBranches<T>(branch: string | null, wait: () => Promise<T>, position?: FlowPosition): Promise<T>;
}
