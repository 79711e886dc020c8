/**
 * An in-memory `SegmentSource`: one execution's journal of `total` events split into runs at given
 * first seqs, each run answering `eventsQuery` as the contract says (docs/design.md §11). Counts the
 * queries per run, can answer pages short (as a workflow bounding its answer in bytes), answer like a
 * run from before continue-as-new (no `first_seq`/`previous_run_id`), lose runs (retention) and grow.
 */
import { type SegmentAnswer, SegmentRunGone, type SegmentSource } from '../../../src/executions/journal-segments';
import { EventType, type JournalEvent } from '../../../src/workflows/events';

export interface FakeRun {
  runId: string;
  firstSeq: number;
  previousRunId: string | null;
}

export interface FakeSegmentsOptions {
  /** First seq of every run after the first (ascending; equal ones make empty segments). */
  boundaries: number[];
  total: number;
  /** A run answers at most this many events, whatever the limit (default: no bound). */
  answerCap?: number;
  /** The first run answers without the two new fields. */
  legacyFirstRun?: boolean;
  executionId?: string;
}

/** The event `seq` of the fake execution: a task success with an output every third seq. */
export function fakeEvent(executionId: string, seq: number): JournalEvent {
  const type = seq === 1 ? EventType.WorkflowExecutionStarted : seq % 3 === 0 ? EventType.TaskExecutionSuccess : EventType.TaskScheduled;
  return { id: `${executionId}#${seq}`, seq, type, time: new Date(0).toISOString(), execution_id: executionId, workflow_id: 'wf', data: type === EventType.TaskExecutionSuccess ? { output: { seq } } : {} };
}

export class FakeSegments implements SegmentSource {
  readonly executionId: string;
  readonly runs: FakeRun[];
  total: number;
  /** Queries answered, per run id ('current' for the reads without a run id). */
  readonly queries = new Map<string, number>();
  readonly gone = new Set<string>();
  private readonly answerCap: number;
  private readonly legacyFirstRun: boolean;

  constructor(options: FakeSegmentsOptions) {
    this.executionId = options.executionId ?? 'wf-00000000-0000-4000-8000-000000000000';
    this.total = options.total;
    this.answerCap = options.answerCap ?? Number.MAX_SAFE_INTEGER;
    this.legacyFirstRun = options.legacyFirstRun ?? false;
    const firsts = [1, ...options.boundaries];
    this.runs = firsts.map((firstSeq, i) => ({ runId: `run-${i}`, firstSeq, previousRunId: i === 0 ? null : `run-${i - 1}` }));
  }

  get current(): FakeRun {
    return this.runs[this.runs.length - 1]!;
  }

  /** Continues as new: the next run starts after the events so far. */
  continueAsNew(): FakeRun {
    const run = { runId: `run-${this.runs.length}`, firstSeq: this.total + 1, previousRunId: this.current.runId };
    this.runs.push(run);
    return run;
  }

  queriesOf(runId: string): number {
    return this.queries.get(runId) ?? 0;
  }

  read(executionId: string, runId: string | undefined, after: number, limit: number): Promise<SegmentAnswer> {
    if (executionId !== this.executionId) return Promise.reject(new Error(`unknown execution ${executionId}`));
    const index = runId === undefined ? this.runs.length - 1 : this.runs.findIndex((r) => r.runId === runId);
    const run = this.runs[index];
    if (run === undefined || (runId !== undefined && this.gone.has(runId))) return Promise.reject(new SegmentRunGone(runId ?? 'current'));
    this.queries.set(runId ?? 'current', this.queriesOf(runId ?? 'current') + 1);
    const lastSeq = index === this.runs.length - 1 ? this.total : this.runs[index + 1]!.firstSeq - 1;
    const fields = this.legacyFirstRun && index === 0 ? {} : { first_seq: run.firstSeq, previous_run_id: run.previousRunId };
    if (after + 1 < run.firstSeq) return Promise.resolve({ events: [], last_seq: lastSeq, has_more: true, ...fields });
    const events: JournalEvent[] = [];
    for (let seq = after + 1; seq <= lastSeq && events.length < Math.min(limit, this.answerCap); seq++) events.push(fakeEvent(this.executionId, seq));
    return Promise.resolve({ events, last_seq: lastSeq, has_more: after + events.length < lastSeq, ...fields });
  }
}
