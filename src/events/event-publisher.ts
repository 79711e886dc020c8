/**
 * Publishes journal events as the worker's sink hands them over (docs/design.md §6), without ever making an
 * execution wait: `accept` only queues. Per execution, events leave strictly in `seq` order, one
 * acknowledged publish after the other; executions proceed side by side.
 *
 * At least once, in order, deduplicated downstream by message id:
 * - NATS down: events wait in memory, up to `maxBuffered` in all; past that they are dropped and the
 *   execution is marked for a fill from the journal once NATS is back.
 * - A gap (the first event this process sees for an execution is not the one after the last
 *   published, e.g. after a worker crash or a workflow moving between workers): the missing events
 *   are read from the journal and published first.
 * - The last published `seq` per execution is bookmarked (a KV bucket), written at most every 10 s
 *   per execution and at once when it closes; the catch-up (`catch-up.ts`) compares it with
 *   the journal. A republish of something already in the stream is dropped by its message id.
 */
import type { JournalEvent } from '../workflows/events';
import type { EventPublisherOptions } from './event-publisher-ports';
import { EventType } from '../workflows/events';
import { terminalEventTypes } from './subjects';

export type { Bookmark, BookmarkStore, EventPublisherOptions, EventTransport, GateIndex, GateRecord, JournalReader } from './event-publisher-ports';

interface ExecutionState {
  id: string;
  /** Last `seq` known to be in the stream; undefined until read from the bookmark. */
  published: number | undefined;
  queue: JournalEvent[];
  /** Read the journal after `published` before anything else (dropped events, catch-up). */
  fill: boolean;
  /** The catch-up found the execution closed in Temporal: bookmark it as final after the fill. */
  closedInTemporal: boolean;
  /** History length and run the catch-up saw before its fill (see `Bookmark.history_length`). */
  verified: { historyLength: number; runId: string } | undefined;
  /** A fill the catch-up asked for is done: bookmark it even if nothing was missing. */
  fillVerified: boolean;
  closed: boolean;
  running: boolean;
  /** `published` at the last bookmark write. */
  bookmarked: number;
  bookmarkedAt: number;
  lastTouched: number;
}

const JOURNAL_PAGE = 500;
const MAX_BACKOFF_MS = 5_000;
/** Idle states beyond this many are forgotten (their bookmark is read again when needed). */
const MAX_IDLE_STATES = 50_000;

/** Counters for logs, tests and the bench. */
export interface PublisherStats {
  published: number;
  /** Events dropped while the buffer was full (filled from the journal later). */
  dropped: number;
  /** Events published from the journal (gaps, catch-up). */
  filled: number;
  failures: number;
  buffered: number;
}

export class EventPublisher {
  private readonly states = new Map<string, ExecutionState>();
  private readonly waiting: ExecutionState[] = [];
  private active = 0;
  private buffered = 0;
  private closing = false;
  private readonly maxBuffered: number;
  private readonly concurrency: number;
  private readonly bookmarkIntervalMs: number;
  private readonly log: NonNullable<EventPublisherOptions['log']>;
  private readonly bookmarkTimer: NodeJS.Timeout;
  private readonly idleWaiters = new Set<() => void>();
  private readonly counters = { published: 0, dropped: 0, filled: 0, failures: 0 };
  private overflowReported = false;

  constructor(private readonly options: EventPublisherOptions) {
    this.maxBuffered = options.maxBuffered ?? 100_000;
    this.concurrency = options.concurrency ?? 256;
    this.bookmarkIntervalMs = options.bookmarkIntervalMs ?? 10_000;
    this.log = options.log ?? (() => undefined);
    this.bookmarkTimer = setInterval(() => void this.writeDueBookmarks(), Math.min(1_000, this.bookmarkIntervalMs));
    this.bookmarkTimer.unref();
  }

  get stats(): PublisherStats {
    return { ...this.counters, buffered: this.buffered };
  }

  /** The sink: queues `event` and returns at once. Never throws. */
  accept(event: JournalEvent): void {
    if (this.closing) return;
    const state = this.stateOf(event.execution_id);
    if (this.buffered >= this.maxBuffered) {
      // Bounded memory: the journal keeps it; the fill publishes it once NATS is back.
      this.counters.dropped++;
      state.fill = true;
      if (!this.overflowReported) {
        this.overflowReported = true;
        this.log('warn', `NATS events: ${this.maxBuffered} events wait already; further ones are read back from the journals later`);
      }
    } else {
      state.queue.push(event);
      this.buffered++;
    }
    this.schedule(state);
  }

  /**
   * Makes sure the stream gets every journal event of the execution (catch-up): reads the journal
   * after the last published `seq` and publishes what is missing.
   */
  requestFill(executionId: string, closedInTemporal: boolean, seen?: { historyLength: number; runId: string }): void {
    if (this.closing) return;
    const state = this.stateOf(executionId);
    state.fill = true;
    state.fillVerified = true;
    state.closedInTemporal ||= closedInTemporal;
    if (seen !== undefined) state.verified = seen;
    this.schedule(state);
  }

  /** True when this process published everything it got for the execution and owes no fill. */
  isUpToDate(executionId: string): boolean {
    const state = this.states.get(executionId);
    return state !== undefined && state.published !== undefined && state.queue.length === 0 && !state.fill && !state.running;
  }

  /** Resolves when nothing is queued or running (or after `timeoutMs`); true if idle. */
  async idle(timeoutMs: number): Promise<boolean> {
    if (this.isIdle()) return true;
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.idleWaiters.delete(done);
        resolve(this.isIdle());
      };
      const timer = setTimeout(done, timeoutMs);
      this.idleWaiters.add(done);
    });
  }

  /** Publishes what it can within `timeoutMs`, writes the bookmarks, then stops taking events. */
  async close(timeoutMs: number): Promise<void> {
    await this.idle(timeoutMs);
    this.closing = true;
    clearInterval(this.bookmarkTimer);
    await this.writeDueBookmarks(true);
    for (const waiter of [...this.idleWaiters]) waiter();
  }

  private isIdle(): boolean {
    return this.active === 0 && this.waiting.length === 0;
  }

  private stateOf(executionId: string): ExecutionState {
    let state = this.states.get(executionId);
    if (state === undefined) {
      if (this.states.size >= MAX_IDLE_STATES) this.forgetIdleStates();
      state = {
        id: executionId,
        published: undefined,
        queue: [],
        fill: false,
        closedInTemporal: false,
        verified: undefined,
        fillVerified: false,
        closed: false,
        running: false,
        bookmarked: 0,
        // A short execution gets only the bookmark of its end.
        bookmarkedAt: Date.now(),
        lastTouched: Date.now(),
      };
      this.states.set(executionId, state);
    }
    state.lastTouched = Date.now();
    return state;
  }

  private schedule(state: ExecutionState): void {
    if (state.running || this.closing) return;
    state.running = true;
    if (this.active < this.concurrency) this.start(state);
    else this.waiting.push(state);
  }

  private start(state: ExecutionState): void {
    this.active++;
    void this.drive(state).finally(() => {
      this.active--;
      state.running = false;
      // Work that arrived after the last look.
      if (!this.closing && (state.queue.length > 0 || state.fill)) this.schedule(state);
      const next = this.waiting.shift();
      if (next !== undefined) this.start(next);
      this.afterDrive(state);
      if (this.isIdle()) for (const waiter of [...this.idleWaiters]) waiter();
    });
  }

  /** Publishes the execution's pending events in order until none is left. */
  private async drive(state: ExecutionState): Promise<void> {
    const { transport } = this.options;
    let failures = 0;
    while (!this.closing && (state.queue.length > 0 || state.fill)) {
      if (!transport.usable) {
        await transport.whenUsable(MAX_BACKOFF_MS);
        continue;
      }
      try {
        if (state.published === undefined) {
          const head = state.queue[0];
          // A new execution needs no look-up; anything else might follow events another worker published.
          state.published = head?.seq === 1 && !state.fill ? 0 : ((await this.options.bookmarks.get(state.id))?.seq ?? 0);
          state.bookmarked = state.published;
        }
        this.dropPublished(state);
        const head = state.queue[0];
        if (state.fill || (head !== undefined && head.seq > state.published + 1)) {
          await this.fillFromJournal(state);
          continue;
        }
        if (head === undefined) break;
        await this.publishOne(state, head);
        state.queue.shift();
        this.buffered--;
        failures = 0;
      } catch (error) {
        failures++;
        this.counters.failures++;
        if (failures === 1 || failures % 20 === 0) this.log('warn', `NATS events: publishing for ${state.id} failed (${messageOf(error)}); retrying`);
        await sleep(Math.min(MAX_BACKOFF_MS, 100 * 2 ** Math.min(failures, 6)));
      }
    }
  }

  private async fillFromJournal(state: ExecutionState): Promise<void> {
    const after = state.published ?? 0;
    const page = await this.options.journal.read(state.id, after, JOURNAL_PAGE);
    if (page === undefined) {
      // No such execution: nothing to publish, ever.
      this.buffered -= state.queue.length;
      state.queue = [];
      state.fill = false;
      return;
    }
    for (const event of page.events) {
      if (event.seq <= (state.published ?? 0)) continue;
      await this.publishOne(state, event);
      this.counters.filled++;
    }
    this.dropPublished(state);
    if (!page.has_more) state.fill = false;
  }

  private async publishOne(state: ExecutionState, event: JournalEvent): Promise<void> {
    if (event.task_exec_id !== undefined && event.task_id !== undefined && (event.type === EventType.TaskWaitingStarted || event.type === EventType.ApprovalRequested)) {
      // Indexed before it is published: whoever reacts to the event can address the task at once.
      await this.options.gates?.put(event.task_exec_id, {
        execution_id: event.execution_id,
        workflow_id: event.workflow_id,
        task_id: event.task_id,
        kind: event.type === EventType.ApprovalRequested ? 'approval' : 'wait',
      });
    }
    await this.options.transport.publish(event);
    state.published = event.seq;
    this.counters.published++;
    this.options.onPublished?.(event);
    if (terminalEventTypes.has(event.type)) {
      state.closed = true;
      // The last word of an execution is bookmarked at once: the catch-up then skips it.
      await this.writeBookmark(state).catch(() => undefined);
    }
  }

  private dropPublished(state: ExecutionState): void {
    const published = state.published ?? 0;
    while (state.queue.length > 0 && state.queue[0]!.seq <= published) {
      state.queue.shift();
      this.buffered--;
    }
    if (this.buffered < this.maxBuffered) this.overflowReported = false;
  }

  private afterDrive(state: ExecutionState): void {
    if (state.running || state.queue.length > 0 || state.fill) return;
    if (state.closedInTemporal && state.published !== undefined) {
      void this.writeBookmark(state, true)
        .then(() => this.states.delete(state.id))
        .catch(() => undefined);
    } else if (state.fillVerified && state.published !== undefined) {
      // Record what the catch-up verified, so its next sweep can skip an execution that did nothing since.
      state.fillVerified = false;
      void this.writeBookmark(state).catch(() => undefined);
    } else if (state.closed && state.bookmarked === state.published) {
      this.states.delete(state.id);
    }
  }

  private async writeDueBookmarks(all = false): Promise<void> {
    const now = Date.now();
    const due = [...this.states.values()].filter(
      (s) => s.published !== undefined && s.published > s.bookmarked && (all || now - s.bookmarkedAt >= this.bookmarkIntervalMs),
    );
    await Promise.all(due.map((s) => this.writeBookmark(s).catch(() => undefined)));
    for (const s of due) if (s.closed && !s.running && s.queue.length === 0 && s.bookmarked === s.published) this.states.delete(s.id);
  }

  private async writeBookmark(state: ExecutionState, final = false): Promise<void> {
    const seq = state.published ?? 0;
    if (!this.options.transport.usable) throw new Error('NATS is not connected');
    await this.options.bookmarks.put(state.id, {
      seq,
      closed: state.closed || final,
      ...(final && { final: true }),
      ...(state.verified !== undefined && { history_length: state.verified.historyLength, run_id: state.verified.runId }),
      at: new Date().toISOString(),
    });
    state.bookmarked = Math.max(state.bookmarked, seq);
    state.bookmarkedAt = Date.now();
  }

  private forgetIdleStates(): void {
    const idle = [...this.states.values()]
      .filter((s) => !s.running && s.queue.length === 0 && !s.fill && s.bookmarked === s.published)
      .sort((a, b) => a.lastTouched - b.lastTouched);
    for (const s of idle.slice(0, Math.ceil(idle.length / 4))) this.states.delete(s.id);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
