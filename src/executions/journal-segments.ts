/**
 * The journal of an execution across its runs (docs/design.md §6, §11). An execution that continued as
 * new keeps one journal segment per run: the current run answers `eventsQuery` with the events from its
 * `first_seq` on and names the run it continued from (`previous_run_id`); earlier events are read from
 * the closed runs, which Temporal still answers queries for (replaying them on a worker).
 *
 * `SegmentedJournal.page()` hides that: given `after` and `limit` it answers a page whose `seq`s follow
 * `after` without gap or duplicate, whichever run holds them. A page stops at the end of a segment
 * (`has_more: true`); it is never empty while `has_more` is true. Pages of closed runs are cached
 * (bounded in bytes): a closed segment never changes. Every reader of the journal goes through it:
 * REST `/events`, the SSE stream, the NATS gap fill and catch-up, output references of task views.
 */
import { LRUCache } from 'lru-cache';
import type { EventsPage } from '../workflows/contracts';
import type { JournalEvent } from '../workflows/events';
import { JournalSegmentExpired } from '../errors/journal-problems';

/** What a run answers to `eventsQuery`; runs from before continue-as-new omit `first_seq` and `previous_run_id`. */
export type SegmentAnswer = EventsPage;

/** Reads one run's segment: the current run (`runId` undefined) or a closed run by id. */
export interface SegmentSource {
  /**
   * The run's `eventsQuery` answer for `{after, limit}`. Throws `SegmentRunGone` when a closed run no
   * longer exists; other failures (e.g. `ExecutionNotFound`, `WorkerUnavailable`) pass through.
   */
  read(executionId: string, runId: string | undefined, after: number, limit: number): Promise<SegmentAnswer>;
}

/** Thrown by a `SegmentSource` for a closed run Temporal no longer holds (retention, or a bad run id). */
export class SegmentRunGone extends Error {
  override name = 'SegmentRunGone';
  constructor(readonly runId: string) {
    super(`run ${runId} does not exist (any more)`);
  }
}

/** The segments contradict each other (a bug in the workflow's side of the contract): never expected. */
export class JournalInconsistent extends Error {
  override name = 'JournalInconsistent';
  constructor(executionId: string, why: string) {
    super(`the journal segments of ${executionId} are inconsistent: ${why}`);
  }
}

/** A page of the whole journal, continuous in `seq`. */
export interface JournalPage {
  events: JournalEvent[];
  /** Last seq of the whole journal (of its current run). */
  last_seq: number;
  /** True when events after this page exist. */
  has_more: boolean;
}

/** The events of one closed run after a seq, or the news that the run holds none that far back. */
type ClosedSlice = { kind: 'events'; events: JournalEvent[] } | { kind: 'earlier'; firstSeq: number; previousRunId: string | null };

export interface SegmentedJournalOptions {
  source: SegmentSource;
  /** Most bytes (JSON length) of closed-run pages kept in memory (default 32 MiB). */
  cacheBytes?: number;
}

/** Default and most events per page, as `eventsQuery` (src/workflows/journal.ts). */
export const DEFAULT_PAGE = 500;
export const MAX_PAGE = 1000;
/** Closed runs are read in blocks of this many seqs at aligned starts, so readers share cached pages. */
const BLOCK = MAX_PAGE;
/** Hops through `previous_run_id` before the chain is taken as broken (a cycle). */
const MAX_HOPS = 100_000;
const DEFAULT_CACHE_BYTES = 32 * 1024 * 1024;

interface NormalizedAnswer {
  events: JournalEvent[];
  last_seq: number;
  has_more: boolean;
  first_seq: number;
  previous_run_id: string | null;
}

interface FetchContext {
  executionId: string;
  runId: string;
  start: number;
}

/** Joins an execution's per-run journal segments into one journal. */
export class SegmentedJournal {
  private readonly source: SegmentSource;
  /** Closed-run answers by (execution, run, start); immutable, so never stale. */
  private readonly pages: LRUCache<string, NormalizedAnswer, FetchContext>;

  constructor(options: SegmentedJournalOptions) {
    this.source = options.source;
    this.pages = new LRUCache<string, NormalizedAnswer, FetchContext>({
      maxSize: Math.max(1, options.cacheBytes ?? DEFAULT_CACHE_BYTES),
      // A page larger than the whole cache is answered but not kept.
      sizeCalculation: (page) => Math.max(1, JSON.stringify(page).length),
      // Concurrent misses of one page share one query.
      fetchMethod: async (_key, _stale, { context }) => normalize(await this.source.read(context.executionId, context.runId, context.start, BLOCK)),
    });
  }

  /** Bytes the cache holds now (for tests and metrics). */
  get cachedBytes(): number {
    return this.pages.calculatedSize;
  }

  /**
   * Events with `seq > after`, at most `limit` (defaults as `eventsQuery`), continuous across runs. A
   * page stops at the end of a run's segment with `has_more: true`.
   */
  async page(executionId: string, after: number | undefined, limit: number | undefined): Promise<JournalPage> {
    const from = Math.max(0, Math.floor(finiteOr(after, 0)));
    const size = Math.min(MAX_PAGE, Math.max(1, Math.floor(finiteOr(limit, DEFAULT_PAGE))));
    const current = normalize(await this.source.read(executionId, undefined, from, size));
    if (from + 1 >= current.first_seq) {
      const events = current.events.filter((e) => e.seq > from).slice(0, size);
      return { events, last_seq: current.last_seq, has_more: current.has_more || lastSeqOf(events, from) < current.last_seq };
    }
    const events = await this.fromClosedRuns(executionId, current, from, size);
    // The current run holds everything after the closed ones (none yet when it has just started).
    const lastSeq = Math.max(current.last_seq, current.first_seq - 1);
    return { events, last_seq: lastSeq, has_more: lastSeqOf(events, from) < lastSeq };
  }

  /** The event `seq` of closed run `runId`, or undefined when that run's segment does not hold it. */
  async eventOfRun(executionId: string, runId: string, seq: number): Promise<JournalEvent | undefined> {
    const slice = await this.closedSlice(executionId, runId, seq - 1, 1);
    return slice.kind === 'events' && slice.events[0]?.seq === seq ? slice.events[0] : undefined;
  }

  /** Follows `previous_run_id` from `current` back to the run holding `after + 1`. */
  private async fromClosedRuns(executionId: string, current: NormalizedAnswer, after: number, limit: number): Promise<JournalEvent[]> {
    let boundary = current.first_seq;
    let runId = current.previous_run_id;
    for (let hops = 0; hops < MAX_HOPS; hops++) {
      if (runId === null) throw new JournalInconsistent(executionId, `no run holds seq ${after + 1}: the first run starts at ${boundary}`);
      let slice: ClosedSlice;
      try {
        slice = await this.closedSlice(executionId, runId, after, limit);
      } catch (error) {
        if (error instanceof SegmentRunGone) throw new JournalSegmentExpired(executionId, runId, boundary - 1);
        throw error;
      }
      if (slice.kind === 'events') {
        // The segment ends where the next run starts; anything past it would be a duplicate.
        const events = slice.events.filter((e) => e.seq < boundary);
        if (events[0]?.seq !== after + 1) throw new JournalInconsistent(executionId, `run ${runId} does not hold seq ${after + 1}`);
        return events;
      }
      if (slice.firstSeq > boundary) throw new JournalInconsistent(executionId, `run ${runId} starts at ${slice.firstSeq}, after the run that follows it`);
      boundary = slice.firstSeq;
      runId = slice.previousRunId;
    }
    throw new JournalInconsistent(executionId, `more than ${MAX_HOPS} runs back, or a cycle of previous_run_id`);
  }

  /** Events of closed run `runId` after `after` (at most `limit`), from cached blocks. */
  private async closedSlice(executionId: string, runId: string, after: number, limit: number): Promise<ClosedSlice> {
    // The aligned block first (shared by every reader), then the segment's own start, then `after` itself
    // (a block the workflow answered short, e.g. bounded in bytes).
    let start = Math.floor(after / BLOCK) * BLOCK;
    for (let tries = 0; tries < 3; tries++) {
      const page = await this.closedPage(executionId, runId, start);
      if (after + 1 < page.first_seq) return { kind: 'earlier', firstSeq: page.first_seq, previousRunId: page.previous_run_id };
      const events = page.events.filter((e) => e.seq > after).slice(0, limit);
      if (events[0]?.seq === after + 1 || start === after) return { kind: 'events', events };
      start = start + 1 < page.first_seq ? page.first_seq - 1 : after;
    }
    return { kind: 'events', events: [] };
  }

  private async closedPage(executionId: string, runId: string, start: number): Promise<NormalizedAnswer> {
    const page = await this.pages.fetch(JSON.stringify([executionId, runId, start]), { context: { executionId, runId, start } });
    if (page === undefined) throw new Error(`reading run ${runId} of ${executionId} gave nothing`);
    return page;
  }
}

/** Reads the two fields old runs omit with their meaning (first run, from seq 1); drops malformed events. */
function normalize(answer: SegmentAnswer): NormalizedAnswer {
  const firstSeq = typeof answer.first_seq === 'number' && Number.isInteger(answer.first_seq) && answer.first_seq >= 1 ? answer.first_seq : 1;
  const previous = typeof answer.previous_run_id === 'string' && answer.previous_run_id.length > 0 ? answer.previous_run_id : null;
  const events = Array.isArray(answer.events) ? answer.events.filter((e) => Number.isInteger(e?.seq)).sort((a, b) => a.seq - b.seq) : [];
  return { events, last_seq: Number.isInteger(answer.last_seq) ? answer.last_seq : lastSeqOf(events, 0), has_more: answer.has_more === true, first_seq: firstSeq, previous_run_id: previous };
}

function lastSeqOf(events: readonly JournalEvent[], fallback: number): number {
  return events.length > 0 ? events[events.length - 1]!.seq : fallback;
}

function finiteOr(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}
