/**
 * What the task runners (basic, approval, wait) need from the execution they run in.
 */
import type { CancellationScope } from '@temporalio/workflow';
import type { TaskError } from './contracts';
import type { Gate, GateRegistry, GateResolution } from './gates';
import type { Journal } from './journal';
import type { TaskRun } from './task-run';

/** One activity attempt in flight; an immediate pause cancels its scope. */
export interface InFlightAttempt {
  run: TaskRun;
  scope: CancellationScope;
  interruptedByPause: boolean;
}

/** The execution as the task runners see it. */
export interface TaskHost {
  readonly journal: Journal;
  readonly gates: GateRegistry;
  readonly identity: { executionId: string; workflowId: string };
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
}
