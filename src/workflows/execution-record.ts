/**
 * The record of one execution: its status, mirrored in the `CadenzaStatus` search attribute, with
 * the journal events of its life (started, paused, resumed, closed); when it started, paused and
 * finished; whom its open approvals await (`CadenzaAwaiting`); and, once it closes, its error and
 * outputs.
 */
import { upsertSearchAttributes } from '@temporalio/workflow';
import type { ExecutionError, ExecutionInput } from './contracts';
import { EventType } from './events';
import type { RecordSnapshot } from './continued-state';
import type { Closing } from './execution-closing';
import { transitionEvent } from './execution-status';
import type { RecordState } from './execution-views';
import type { Journal, JournalEntry } from './journal';
import { CadenzaAwaitingKey, CadenzaStatusKey } from './search-attributes';
import { ExecutionStatus, terminalExecutionStatuses } from './states';

/** The record of one execution; only its methods change it. */
export class ExecutionRecord {
  readonly startedAt: string;
  private current: ExecutionStatus = ExecutionStatus.Running;
  private finishedAt: string | null = null;
  private pausedAt: string | null = null;
  private failure: ExecutionError | null = null;
  private outputs: Record<string, unknown> | null = null;
  private awaiting: string[] = [];
  /** Set while a resume command applies, so the status change it causes is not journaled twice. */
  private resumingByCommand = false;

  /** @param carried the record a continued execution carried (its search attributes came along). */
  constructor(
    private readonly journal: Journal,
    carried?: RecordSnapshot,
  ) {
    this.startedAt = carried?.started_at ?? new Date().toISOString();
    if (carried !== undefined) {
      this.current = carried.status;
      this.pausedAt = carried.paused_at;
      this.awaiting = carried.awaiting;
      this.failure = carried.error;
    }
  }

  /** The record as plain data, for the next run. */
  snapshot(): RecordSnapshot {
    return { status: this.current, started_at: this.startedAt, paused_at: this.pausedAt, awaiting: this.awaiting, error: this.failure };
  }

  /** The current status. */
  get status(): ExecutionStatus {
    return this.current;
  }

  /** The execution has ended; its status no longer changes. */
  get closed(): boolean {
    return terminalExecutionStatuses.includes(this.current);
  }

  /** Why the execution failed, or is failing; null if it has not. */
  get error(): ExecutionError | null {
    return this.failure;
  }

  /** What the views read. */
  get state(): RecordState {
    const { startedAt, finishedAt, pausedAt, outputs } = this;
    return { status: this.current, closed: this.closed, startedAt, finishedAt, pausedAt, error: this.failure, outputs };
  }

  /** Journals WorkflowExecutionStarted: the input, the definition's version and the trigger. */
  journalStarted(input: ExecutionInput): void {
    this.journal.append({
      type: EventType.WorkflowExecutionStarted,
      data: { input: input.input, workflow_version: input.definition.version, trigger: input.trigger },
    });
  }

  /** Runs `apply`, a resume command that journals its own resume: the status changes it causes journal none. */
  whileResuming<T>(apply: () => T): T {
    this.resumingByCommand = true;
    try {
      return apply();
    } finally {
      this.resumingByCommand = false;
    }
  }

  /**
   * Moves to the derived status `next` and journals what the change needs: on becoming paused it
   * stamps `paused_at`, then journals `paused()` (built after the stamp, before the status changes);
   * from paused back to running it journals a resume, unless a resume command journals its own.
   */
  moveTo(next: ExecutionStatus, paused: () => JournalEntry): void {
    if (next === this.current) return;
    const previous = this.current;
    const event = transitionEvent(previous, next, this.resumingByCommand);
    if (event === EventType.WorkflowExecutionPaused) {
      this.pausedAt = new Date().toISOString();
      this.journal.append(paused());
    } else if (event === EventType.WorkflowExecutionResumed) {
      this.journal.append({ type: event, data: { cause: 'gate_resolved' } });
    }
    if (next !== ExecutionStatus.Paused && previous === ExecutionStatus.Paused) this.pausedAt = null;
    this.setStatus(next);
  }

  /** Keeps `CadenzaAwaiting` at `awaiting`; upserts it only when it changed. */
  setAwaiting(awaiting: string[]): void {
    if (awaiting.join('\n') === this.awaiting.join('\n')) return;
    this.awaiting = awaiting;
    upsertSearchAttributes([{ key: CadenzaAwaitingKey, value: awaiting }]);
  }

  /** Records why the execution fails, before the failure is thrown and the execution closes. */
  failWith(error: ExecutionError): void {
    this.failure = error;
  }

  /** Closes the execution as `closing` says: its final status, nobody awaited any more, the closing event journaled. */
  close(closing: Closing): void {
    if (closing.outputs !== undefined) this.outputs = closing.outputs;
    if (closing.error !== undefined) this.failure = closing.error;
    this.finishedAt = new Date().toISOString();
    this.pausedAt = null;
    this.setStatus(closing.status);
    if (this.awaiting.length > 0) {
      this.awaiting = [];
      upsertSearchAttributes([{ key: CadenzaAwaitingKey, value: [] }]);
    }
    this.journal.append(closing.event);
  }

  private setStatus(status: ExecutionStatus): void {
    this.current = status;
    upsertSearchAttributes([{ key: CadenzaStatusKey, value: status }]);
  }
}
