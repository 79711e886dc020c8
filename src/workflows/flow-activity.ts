/**
 * Which flows of an execution can move on (docs/design.md §3). A flow is the top level or one
 * parallel branch; it is blocked while it waits at an open gate, is held by a manual pause, or waits
 * for the branches of a parallel task. The execution is paused exactly when it has an open gate and
 * no flow can move: between two tasks of a branch, or during a retry's backoff, the branch still
 * moves. A blocker is a predicate, so a flow counts as moving the moment its gate is resolved — in
 * the same handler — not only once its code runs again.
 */

interface Blocker {
  branch: string;
  /** True while it still blocks (the gate is open, the pause is on). */
  blocking: () => boolean;
}

/** Live flows per branch key (`null` is the top level) and what blocks them. */
export class FlowActivity {
  private readonly live = new Map<string, number>();
  private readonly blockers = new Set<Blocker>();

  /** A flow of `branch` starts. */
  enter(branch: string | null): void {
    const k = key(branch);
    this.live.set(k, (this.live.get(k) ?? 0) + 1);
  }

  /** A flow of `branch` ended, however it ended. */
  leave(branch: string | null): void {
    const k = key(branch);
    const n = (this.live.get(k) ?? 0) - 1;
    if (n <= 0) this.live.delete(k);
    else this.live.set(k, n);
  }

  /** Runs `wait` with the flow of `branch` blocked while `blocking()` holds; `onChange` refreshes the status. */
  async blockedWhile<T>(branch: string | null, blocking: () => boolean, wait: () => Promise<T>, onChange: () => void): Promise<T> {
    const blocker: Blocker = { branch: key(branch), blocking };
    this.blockers.add(blocker);
    onChange();
    try {
      return await wait();
    } finally {
      this.blockers.delete(blocker);
      onChange();
    }
  }

  /** The keys of the live flows (`''` is the top level). */
  get liveKeys(): string[] {
    return [...this.live.keys()];
  }

  /** True while at least one live flow is not blocked. */
  get anyMoving(): boolean {
    const blocked = new Map<string, number>();
    for (const b of this.blockers) if (b.blocking()) blocked.set(b.branch, (blocked.get(b.branch) ?? 0) + 1);
    for (const [branch, count] of this.live) {
      if (count > (blocked.get(branch) ?? 0)) return true;
    }
    return false;
  }
}

function key(branch: string | null): string {
  return branch ?? '';
}
