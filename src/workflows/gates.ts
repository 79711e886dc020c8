/**
 * Gates (docs/design.md §3): anything that needs an outside action. A gate belongs to one branch and blocks only
 * that branch; the flow that opened it awaits its resolution.
 */
import { condition, uuid4 } from '@temporalio/workflow';
import type { GateView } from './contracts';
import type { PauseReason } from './states';
import type { TaskRun } from './task-run';

export type GateResolution =
  | { kind: 'continue' }
  | { kind: 'retry'; input?: unknown; hasInput: boolean; context?: Record<string, unknown> }
  | { kind: 'skip'; output: unknown }
  | { kind: 'decision'; decision: 'approve' | 'reject'; approver: string; comment: string | null; data: unknown; decided_at: string }
  | { kind: 'resume_data'; data: unknown; actor: string | null }
  | { kind: 'timeout' }
  /** Its branch ended (cancelled, failed or finished) before anyone resolved it. */
  | { kind: 'released' };

/** An open gate as plain data, carried when the execution continues as new (docs/design.md §11). */
export interface GateSnapshot {
  id: string;
  opened_at: string;
  reason: PauseReason;
  task_exec_id: string | null;
  task_id: string | null;
  branch: string | null;
  next_task_id: string | null;
  data: Record<string, unknown>;
}

/** One gate: why it is open, the task run and branch it holds, and how it was resolved. */
export class Gate {
  readonly id: string;
  readonly openedAt: string;
  resolution: GateResolution | undefined;

  constructor(
    readonly reason: PauseReason,
    readonly run: TaskRun | null,
    readonly taskId: string | null,
    readonly branch: string | null,
    readonly nextTaskId: string | null,
    readonly data: Record<string, unknown> = {},
    carried?: { id: string; openedAt: string },
  ) {
    this.id = carried?.id ?? uuid4();
    this.openedAt = carried?.openedAt ?? new Date().toISOString();
  }

  /** The gate `snapshot` describes, holding `run`. */
  static restore(snapshot: GateSnapshot, run: TaskRun | null): Gate {
    const { id, opened_at: openedAt } = snapshot;
    return new Gate(snapshot.reason, run, snapshot.task_id, snapshot.branch, snapshot.next_task_id, snapshot.data, { id, openedAt });
  }

  /** The gate as plain data. */
  snapshot(): GateSnapshot {
    return {
      id: this.id,
      opened_at: this.openedAt,
      reason: this.reason,
      task_exec_id: this.run?.taskExecId ?? null,
      task_id: this.taskId,
      branch: this.branch,
      next_task_id: this.nextTaskId,
      data: this.data,
    };
  }

  get open(): boolean {
    return this.resolution === undefined;
  }

  resolve(resolution: GateResolution): void {
    if (this.resolution === undefined) this.resolution = resolution;
  }

  view(): GateView {
    return {
      task_id: this.taskId,
      task_exec_id: this.run?.taskExecId ?? null,
      reason: this.reason,
      opened_at: this.openedAt,
      branch: this.branch,
      next_task_id: this.nextTaskId,
      data: this.data,
    };
  }
}

/** Open gates of an execution. */
export class GateRegistry {
  private readonly gates: Gate[] = [];

  /**
   * @param releaseWithBranch when the wait on a gate is cancelled (its branch was cancelled), the gate
   *   is released and dropped. Executions started before this existed kept such gates open; their
   *   replay keeps doing so (see `ExecutionBehaviour`).
   * @param onReleased called after a gate was released, so the execution can refresh its status and
   *   search attributes.
   * @param resolvedCarried `carried()` also finds a carried gate a command already resolved (see
   *   there). Continued runs recorded before this existed did not; their replay keeps it so.
   */
  constructor(
    private readonly releaseWithBranch = true,
    private readonly onReleased: (gate: Gate) => void = () => undefined,
    private readonly resolvedCarried = true,
  ) {}

  open(gate: Gate): Gate {
    this.gates.push(gate);
    return gate;
  }

  /**
   * Waits until the gate is resolved, or resolves it with `timeout` when `timeoutMs` passes first.
   * A cancelled wait releases the gate (docs/design.md §3: a gate lives as long as its branch).
   */
  async wait(gate: Gate, timeoutMs?: number): Promise<GateResolution> {
    if (!this.releaseWithBranch) {
      const resolved = timeoutMs === undefined ? (await condition(() => !gate.open), true) : await condition(() => !gate.open, timeoutMs);
      if (!resolved) gate.resolve({ kind: 'timeout' });
      this.drop(gate);
      return gate.resolution ?? { kind: 'timeout' };
    }
    try {
      const resolved = timeoutMs === undefined ? (await condition(() => !gate.open), true) : await condition(() => !gate.open, timeoutMs);
      if (!resolved) gate.resolve({ kind: 'timeout' });
      return gate.resolution ?? { kind: 'timeout' };
    } catch (err) {
      gate.resolve({ kind: 'released' });
      this.drop(gate);
      this.onReleased(gate);
      throw err;
    } finally {
      this.drop(gate);
    }
  }

  /** Closed gates are dropped: a long execution opens many. */
  private drop(gate: Gate): void {
    const i = this.gates.indexOf(gate);
    if (i >= 0) this.gates.splice(i, 1);
  }

  openGates(): Gate[] {
    return this.gates.filter((g) => g.open);
  }

  find(predicate: (g: Gate) => boolean): Gate | undefined {
    return this.gates.find((g) => g.open && predicate(g));
  }

  /**
   * The gate a continued run carried that `predicate` accepts, for the flow that re-enters at it
   * (docs/design.md §11) — even when a command resolved it already: the commands of a continued run's
   * first workflow task are handled before its flows re-enter, and a flow that found no gate would
   * open a new one and wait again for what had arrived. A resolved gate stays here until it was waited on.
   */
  carried(predicate: (g: Gate) => boolean): Gate | undefined {
    return this.gates.find((g) => (g.open || this.resolvedCarried) && predicate(g));
  }

  /** Every open gate that `predicate` accepts. */
  filter(predicate: (g: Gate) => boolean): Gate[] {
    return this.gates.filter((g) => g.open && predicate(g));
  }
}
