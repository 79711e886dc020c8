/**
 * The manual pause of one execution (docs/design.md §3): the pause in force, what it holds — the next
 * task of each held branch, and the closing of an execution whose flow has ended — and the activity
 * attempts in flight, which an immediate pause interrupts.
 */
import type { CancellationScope } from '@temporalio/workflow';
import type { PauseMode } from './commands';
import type { InFlightAttempt } from './task-host';
import type { TaskRun } from './task-run';

/** A manual pause, as the `pause` command requested it. */
export interface ManualPause {
  reason: string;
  mode: PauseMode;
  actor: string | null;
  requested_at: string;
}

/** The manual pause state of one execution; the machine decides when it changes. */
export class ManualPauseControl {
  private pause: ManualPause | null = null;
  /** Next task of each branch held by a manual pause, with how many branches it holds there. */
  private readonly held = new Map<string, number>();
  private closingHeld = false;
  private readonly inFlight = new Set<InFlightAttempt>();

  /** @param carried the pause in force when a continued execution continued. */
  constructor(carried: ManualPause | null = null) {
    this.pause = carried;
  }

  /** The pause in force, if any. */
  get current(): ManualPause | null {
    return this.pause;
  }

  /** Puts `pause` in force; an immediate one also cancels every attempt in flight, which re-runs on resume. */
  request(pause: ManualPause): void {
    this.pause = pause;
    if (pause.mode === 'immediate') {
      for (const attempt of this.inFlight) {
        attempt.interruptedByPause = true;
        attempt.scope.cancel();
      }
    }
  }

  /** Lifts the pause; the held branches go on once they see it lifted. */
  clear(): void {
    this.pause = null;
  }

  /** A branch is held before `taskId`. */
  hold(taskId: string): void {
    this.held.set(taskId, (this.held.get(taskId) ?? 0) + 1);
  }

  /** A branch held before `taskId` goes on. */
  release(taskId: string): void {
    const n = (this.held.get(taskId) ?? 1) - 1;
    if (n <= 0) this.held.delete(taskId);
    else this.held.set(taskId, n);
  }

  /** Tasks held, in the order they were first held. */
  get heldTaskIds(): string[] {
    return [...this.held.keys()];
  }

  /** Marks the closing of the execution as held (`true`) or no longer held (`false`). */
  holdClosing(held: boolean): void {
    this.closingHeld = held;
  }

  /** True while the pause holds the closing of an execution whose flow has ended. */
  get holdsClosing(): boolean {
    return this.closingHeld;
  }

  /** An activity attempt starts; it is in flight until `untrack()`. */
  track(run: TaskRun, scope: CancellationScope): InFlightAttempt {
    const attempt: InFlightAttempt = { run, scope, interruptedByPause: false };
    this.inFlight.add(attempt);
    return attempt;
  }

  /** An activity attempt has ended, however it ended. */
  untrack(attempt: InFlightAttempt): void {
    this.inFlight.delete(attempt);
  }

  /** How many activity attempts are in flight. */
  get attemptsInFlight(): number {
    return this.inFlight.size;
  }
}
