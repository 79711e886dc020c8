/**
 * How the execution status is derived (docs/design.md §3), as pure functions: the status an
 * execution's state calls for, and the journal event a change of status needs.
 */
import { EventType } from './events';
import { ExecutionStatus } from './states';

/** What the status is derived from. */
export interface StatusFacts {
  /** The execution has ended; its status no longer changes. */
  closed: boolean;
  /** The walk of the definition has begun. */
  started: boolean;
  /** `ExecutionBehaviour.steadyStatus`: paused means that no live flow can move. */
  steadyStatus: boolean;
  /** Some live flow is not blocked (read only with `steadyStatus`). */
  anyFlowMoving: boolean;
  /** An attempt is in flight, or a task other than a parallel one runs (read only without `steadyStatus`). */
  legacyRunning: boolean;
  /** Some gate is open. */
  gated: boolean;
  /** A manual pause is in force. */
  manualPause: boolean;
}

/**
 * The status the facts call for: `paused` when a manual pause or an open gate holds the execution and
 * nothing moves, `pausing` under a manual pause while something still moves, else `running`.
 * `undefined` when there is nothing to derive: the execution has closed, or (with steady status) its
 * walk has not begun, so its first task is about to be held or run.
 */
export function deriveStatus(facts: StatusFacts): ExecutionStatus | undefined {
  if (facts.closed) return undefined;
  if (facts.steadyStatus && !facts.started) return undefined;
  const running = facts.steadyStatus ? facts.anyFlowMoving : facts.legacyRunning;
  if ((facts.manualPause || facts.gated) && !running) return ExecutionStatus.Paused;
  if (facts.manualPause) return ExecutionStatus.Pausing;
  return ExecutionStatus.Running;
}

/** The journal events a change of status may need. */
export type StatusEvent = typeof EventType.WorkflowExecutionPaused | typeof EventType.WorkflowExecutionResumed;

/**
 * The journal event the change from `previous` to `next` needs: `WorkflowExecutionPaused` on becoming
 * paused; `WorkflowExecutionResumed` on going from paused back to running, unless a resume command
 * causes the change (it journals its own); otherwise none.
 */
export function transitionEvent(previous: ExecutionStatus, next: ExecutionStatus, resumingByCommand: boolean): StatusEvent | undefined {
  if (next === previous) return undefined;
  if (next === ExecutionStatus.Paused) return EventType.WorkflowExecutionPaused;
  if (next === ExecutionStatus.Running && previous === ExecutionStatus.Paused && !resumingByCommand) return EventType.WorkflowExecutionResumed;
  return undefined;
}
