/**
 * The execution journal (docs/design.md §6): every state change, in order, kept in workflow state so it is
 * deterministic (rebuilt identically on replay) and answerable by query after the execution closed.
 */
import { uuid4 } from '@temporalio/workflow';
import type { EventsPage, ValueRef } from './contracts';
import type { EventType, JournalEvent } from './events';

export interface JournalEntry {
  type: EventType;
  task_id?: string;
  task_exec_id?: string;
  attempt?: number;
  actor?: string;
  data?: Record<string, unknown>;
  /** When the change happened, if not now (e.g. an attempt's start reported by the worker). */
  time?: string;
}

const DEFAULT_PAGE = 500;
const MAX_PAGE = 1000;
/**
 * Characters of JSON a page holds at most, past its first event (at most 1.5 MiB of UTF-8): a query
 * answer travels as one gRPC message (4 MiB by default), and 1,000 events of a 150 KB output each
 * would not fit.
 */
export const MAX_PAGE_BYTES = 512 * 1024;

/** Where a run's segment of the journal starts (docs/design.md §11): after the runs it continued. */
export interface JournalSegment {
  /** Seq of the first event this run holds. */
  firstSeq: number;
  /** The run this one continued from; null for the first run. */
  previousRunId: string | null;
}

/**
 * The journal of one execution, as far as this run holds it: a run that continued as new holds the
 * events from `firstSeq` on, and the earlier segments stay readable from the closed runs.
 */
export class Journal {
  private readonly events: JournalEvent[] = [];

  constructor(
    private readonly executionId: string,
    private readonly workflowId: string,
    /** Called with every appended event (the worker's publishing sink). */
    private readonly onAppend: (event: JournalEvent) => void = () => undefined,
    readonly segment: JournalSegment = { firstSeq: 1, previousRunId: null },
    /** The run appending to this segment (what a `ValueRef` names). */
    readonly runId = '',
  ) {}

  /** A reference to `event`'s data, for a later run that carries the value only by reference. */
  refOf(event: JournalEvent): ValueRef {
    return { run_id: this.runId, seq: event.seq };
  }

  append(entry: JournalEntry): JournalEvent {
    const event: JournalEvent = {
      id: uuid4(),
      seq: this.segment.firstSeq + this.events.length,
      type: entry.type,
      time: entry.time ?? new Date().toISOString(),
      execution_id: this.executionId,
      workflow_id: this.workflowId,
      ...(entry.task_id !== undefined && { task_id: entry.task_id }),
      ...(entry.task_exec_id !== undefined && { task_exec_id: entry.task_exec_id }),
      ...(entry.attempt !== undefined && { attempt: entry.attempt }),
      ...(entry.actor !== undefined && { actor: entry.actor }),
      data: entry.data ?? {},
    };
    this.events.push(event);
    this.onAppend(event);
    return event;
  }

  get lastSeq(): number {
    return this.segment.firstSeq - 1 + this.events.length;
  }

  /** Events this run holds. */
  get length(): number {
    return this.events.length;
  }

  /** Events after `args.after` (a seq), at most `args.limit` (`EventsQueryArgs`); anything else reads as the defaults. */
  page(args: unknown = {}): EventsPage {
    const { after: rawAfter, limit: rawLimit } = (typeof args === 'object' && args !== null ? args : {}) as { after?: unknown; limit?: unknown };
    const after = Math.max(0, Math.floor(finiteOr(rawAfter, 0)));
    const limit = Math.min(MAX_PAGE, Math.max(1, Math.floor(finiteOr(rawLimit, DEFAULT_PAGE))));
    const { firstSeq, previousRunId } = this.segment;
    const segment = { first_seq: firstSeq, previous_run_id: previousRunId };
    // Events before this segment are read from the run that holds them.
    if (after + 1 < firstSeq) return { events: [], last_seq: this.lastSeq, has_more: true, ...segment };
    // seq n lives at index n - firstSeq.
    const start = after - (firstSeq - 1);
    const events = withinSize(this.events.slice(start, start + limit), MAX_PAGE_BYTES);
    return { events, last_seq: this.lastSeq, has_more: start + events.length < this.events.length, ...segment };
  }
}

/** The longest prefix of `events` within `maxChars` characters of JSON, and always the first event. */
function withinSize(events: JournalEvent[], maxChars: number): JournalEvent[] {
  let chars = 0;
  for (let i = 0; i < events.length; i++) {
    chars += JSON.stringify(events[i]).length;
    if (chars > maxChars && i > 0) return events.slice(0, i);
  }
  return events;
}

function finiteOr(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}
