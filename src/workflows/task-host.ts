/**
 * What the task runners (basic, router, parallel, approval, wait) need from the execution they run in.
 */
import type { CancellationScope } from '@temporalio/workflow';
import type { Task } from '../definitions/schema';
import type { TaskError } from './contracts';
import type { ExecutionBehaviour } from './execution-behaviour';
import type { Gate, GateRegistry, GateResolution } from './gates';
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

/** The execution as the task runners see it. */
export interface TaskHost {
  readonly journal: Journal;
  readonly gates: GateRegistry;
  readonly identity: { executionId: string; workflowId: string };
  /** The behaviour switches of this execution (router: strict routes; parallel: settled branches). */
  readonly behaviour: ExecutionBehaviour;
  /** Marks a task that runs inside the workflow (router, parallel) as started. */
  startInline(run: TaskRun): void;
  succeedTask(run: TaskRun, output: unknown): void;
  failTask(run: TaskRun, error: TaskError, options?: { status?: 'failed' | 'timed_out'; output?: unknown }): void;
  cancelTask(run: TaskRun, reason: string): void;
  recordTask(run: TaskRun): void;
  /** Opens a gate and updates status and search attributes. */
  openGate(gate: Gate): Gate;
  /** Waits at an open gate until it is resolved (or times out); a cancelled wait releases the gate. */
  awaitGate(gate: Gate, timeoutMs?: number): Promise<GateResolution>;
  /** Waits while a manual pause holds new dispatches; `nextTaskId` is what `branch` would run. */
  holdIfPaused(nextTaskId: string, branch: string | null): Promise<void>;
  trackAttempt(run: TaskRun, scope: CancellationScope): InFlightAttempt;
  untrackAttempt(attempt: InFlightAttempt): void;
  /** Recomputes the execution status (running, pausing, paused) after a change. */
  refreshStatus(): void;
  /** Runs a flow (a parallel task's branch) from its first task until a task has nowhere to go. */
  runFlow(tasks: readonly Task[], branch: string): Promise<FlowOutcome>;
  /** Runs `wait` (a parallel task's branches) while the flow of `branch` counts as blocked on it. */
  whileWaitingOnBranches<T>(branch: string | null, wait: () => Promise<T>): Promise<T>;
}
