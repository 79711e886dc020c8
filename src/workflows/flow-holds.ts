/**
 * Where flows wait (docs/design.md §3, §11): at a gate, on a parallel task's branches, before a task
 * while a manual pause holds it, and — parked at a position — while the execution is about to
 * continue as new. Each wait keeps the flow's blocked state (for the status) and its parked position
 * (for continuing as new); the machine delegates here. Executions from before long life keep the
 * exact waits they had (no parking, no draining), so their histories replay unchanged.
 */
import { allHandlersFinished, condition } from '@temporalio/workflow';
import type { Continuation } from './continuation';
import type { ExecutionBehaviour } from './execution-behaviour';
import type { FlowActivity } from './flow-activity';
import type { FlowPosition } from './flow-positions';
import type { Gate, GateRegistry, GateResolution } from './gates';
import type { ManualPauseControl } from './manual-pause';

/** What the waits read and change. */
export interface FlowHoldParts {
  behaviour: ExecutionBehaviour;
  pause: ManualPauseControl;
  flows: FlowActivity;
  gates: GateRegistry;
  continuation: Continuation;
  refreshStatus: () => void;
}

/** The waits of the flows of one execution. */
export class FlowHolds {
  constructor(private readonly p: FlowHoldParts) {}

  /** Runs `wait` (a parallel task's branches) while the flow of `branch` counts as blocked on it, parked at `position`. */
  whileWaitingOnBranches<T>(branch: string | null, wait: () => Promise<T>, position?: FlowPosition): Promise<T> {
    const { behaviour, flows, refreshStatus } = this.p;
    if (!behaviour.steadyStatus) return wait();
    return this.parkWhile(branch, position, () => true, () => flows.blockedWhile(branch, () => true, wait, refreshStatus));
  }

  /** Waits at a gate; while it is open, the gate's branch counts as blocked (and parked at `position`). */
  awaitGate(gate: Gate, timeoutMs?: number, position?: FlowPosition): Promise<GateResolution> {
    const { behaviour, flows, gates, refreshStatus } = this.p;
    if (!behaviour.steadyStatus) return gates.wait(gate, timeoutMs);
    const wait = () => flows.blockedWhile(gate.branch, () => gate.open, () => gates.wait(gate, timeoutMs), refreshStatus);
    return this.parkWhile(gate.branch, position, () => gate.open, wait);
  }

  /** Runs `wait` with the flow of `branch` parked at `position` while `parked()` holds. */
  parkWhile<T>(branch: string | null, position: FlowPosition | undefined, parked: () => boolean, wait: () => Promise<T>): Promise<T> {
    if (position === undefined || !this.p.behaviour.longLife) return wait();
    return this.parked(branch, position, parked, wait);
  }

  private async parked<T>(branch: string | null, position: FlowPosition, parked: () => boolean, wait: () => Promise<T>): Promise<T> {
    const unpark = this.p.continuation.positions.park(branch, position, parked);
    try {
      return await wait();
    } finally {
      unpark();
    }
  }

  /**
   * Holds the branch before `nextTaskId` while a manual pause is in force, and — parked at `position`
   * — while the execution is about to continue as new.
   */
  holdIfPaused(nextTaskId: string, branch: string | null, position?: FlowPosition): Promise<void> {
    const { behaviour, pause, continuation } = this.p;
    if (!behaviour.longLife || position === undefined) return this.holdWhilePaused(nextTaskId, branch);
    if (pause.current === null && !continuation.wanted) return Promise.resolve();
    return this.parked(branch, position, () => true, async () => {
      while (pause.current !== null || continuation.wanted) {
        if (pause.current !== null) await this.holdWhilePaused(nextTaskId, branch);
        else await condition(() => !continuation.wanted || pause.current !== null);
      }
    });
  }

  /** Holds the branch while a manual pause is in force (the wait of executions from before long life, unchanged). */
  private async holdWhilePaused(nextTaskId: string, branch: string | null): Promise<void> {
    const { behaviour, pause, flows, refreshStatus } = this.p;
    if (pause.current === null) return;
    pause.hold(nextTaskId);
    const released = () => condition(() => pause.current === null);
    try {
      if (behaviour.steadyStatus) await flows.blockedWhile(branch, () => pause.current !== null, released, refreshStatus);
      else {
        refreshStatus();
        await released();
      }
    } finally {
      pause.release(nextTaskId);
    }
  }

  /** The keys of the live flows, the top level included while a pause holds the closing. */
  liveFlows(): string[] {
    const live = this.p.flows.liveKeys;
    return this.p.pause.holdsClosing && !live.includes('') ? [...live, ''] : live;
  }

  /** True when the run should continue as new and may: every flow parked, no attempt in flight, no handler running. */
  quietToContinue(closed: boolean): boolean {
    const { continuation, pause } = this.p;
    if (closed || !continuation.wanted || pause.attemptsInFlight > 0 || !allHandlersFinished()) return false;
    return continuation.positions.allParked(this.liveFlows());
  }
}
