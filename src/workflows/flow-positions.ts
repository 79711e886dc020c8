/**
 * Where each flow of an execution is parked (docs/design.md §11). A flow parks when it waits for
 * something outside itself: before a task (a manual pause, or the hold before continuing as new), at
 * a gate, between two attempts, or on the branches of a parallel task. A parked flow registers its
 * position as plain data; when every live flow is parked and no attempt is in flight, the execution
 * can continue as new, and the next run re-enters each flow at the position it carried.
 */

/** Inside a `basic` run: before attempt `attempt` (held, or backing off until `not_before`). */
export interface BasicAttemptPosition {
  at: 'basic_attempt';
  attempt: number;
  failures: number;
  /** Data of the TaskResume that woke the task (sent to the next attempt). */
  resume?: unknown;
  /** Epoch ms before which the attempt does not start (a retry's backoff). */
  not_before?: number;
}

/** Inside a `basic` run: parked on the gate of a tool's wait directive. */
export interface BasicWaitingPosition {
  at: 'basic_waiting';
  attempt: number;
  failures: number;
}

/** Inside an `approval` or `wait` run: parked on its gate until `timeout_at` (epoch ms), if any. */
export interface GatedTaskPosition {
  at: 'approval' | 'wait';
  timeout_at: number | null;
}

/** Inside a `parallel` run: each branch parked (by its path) or ended (with its last run). */
export interface ParallelPosition {
  at: 'parallel';
  failed_fast: boolean;
  ended: Record<string, { status: 'succeeded' | 'failed' | 'cancelled'; last: string | null }>;
}

/** Where inside its task a flow is parked. */
export type InTaskPosition = BasicAttemptPosition | BasicWaitingPosition | GatedTaskPosition | ParallelPosition;

/** Where a flow is parked: at a task (by id), at a gate (by id), in a run (by `task_exec_id`). */
export type FlowPosition =
  | { at: 'before_task'; task_id: string }
  | { at: 'breakpoint'; task_id: string; gate: string }
  | { at: 'failure_gate'; task_id: string; run: string; gate: string }
  | { at: 'in_task'; task_id: string; run: string; inner: InTaskPosition }
  /** The top-level flow ended (`last` is its last run); a manual pause holds the closing. */
  | { at: 'closing_held'; status: 'succeeded' | 'failed'; last: string | null };

/** A position inside a run (`in_task`). */
export type InTask<P extends InTaskPosition> = { at: 'in_task'; task_id: string; run: string; inner: P };

/** The key of a flow: its branch path, `''` for the top level. */
export function flowKey(branch: string | null): string {
  return branch ?? '';
}

interface Parked {
  position: FlowPosition;
  /** True while the flow is still held there (its gate open, the pause on, the backoff running). */
  parked: () => boolean;
}

/** The parked flows of one execution. */
export class FlowPositions {
  private readonly parkedFlows = new Map<string, Parked>();

  /** The flow of `branch` parks at `position` while `parked()` holds; the returned function unparks it. */
  park(branch: string | null, position: FlowPosition, parked: () => boolean): () => void {
    const k = flowKey(branch);
    const entry: Parked = { position, parked };
    this.parkedFlows.set(k, entry);
    return () => {
      if (this.parkedFlows.get(k) === entry) this.parkedFlows.delete(k);
    };
  }

  /** Updates the position of a parked flow (a parallel branch ended) without unparking it. */
  position(branch: string | null): FlowPosition | undefined {
    return this.parkedFlows.get(flowKey(branch))?.position;
  }

  /** True when every flow in `live` is parked and still held. */
  allParked(live: Iterable<string>): boolean {
    for (const k of live) {
      const entry = this.parkedFlows.get(k);
      if (entry === undefined || !entry.parked()) return false;
    }
    return true;
  }

  /** Every parked flow's position, by flow key. */
  snapshot(live: Iterable<string>): Record<string, FlowPosition> {
    const out: Record<string, FlowPosition> = {};
    for (const k of live) {
      const entry = this.parkedFlows.get(k);
      if (entry !== undefined) out[k] = entry.position;
    }
    return out;
  }
}
