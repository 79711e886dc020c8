/**
 * The publisher's guarantees with an in-memory transport: order per execution, bounded memory, gap
 * fills from the journal, bookmarks.
 */
import { type Bookmark, EventPublisher, type EventTransport, type GateRecord } from '../../../src/events/event-publisher';
import { EventType, type JournalEvent } from '../../../src/workflows/events';

class FakeTransport implements EventTransport {
  usable = true;
  readonly published: JournalEvent[] = [];
  failNext = 0;
  private waiters: Array<() => void> = [];

  whenUsable(timeoutMs: number): Promise<boolean> {
    if (this.usable) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(this.usable), timeoutMs);
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  up(): void {
    this.usable = true;
    for (const w of this.waiters.splice(0)) w();
  }

  publish(event: JournalEvent): Promise<void> {
    if (!this.usable) return Promise.reject(new Error('down'));
    if (this.failNext > 0) {
      this.failNext--;
      return Promise.reject(new Error('timeout'));
    }
    // Like the stream's duplicate window: a message id already stored is not stored again.
    if (!this.published.some((e) => e.id === event.id)) this.published.push(event);
    return Promise.resolve();
  }
}

function journalOf(executionId: string, count: number, last: EventType = EventType.WorkflowExecutionSuccess): JournalEvent[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `${executionId}#${i + 1}`,
    seq: i + 1,
    type: i === count - 1 ? last : i === 0 ? EventType.WorkflowExecutionStarted : EventType.TaskScheduled,
    time: new Date(0).toISOString(),
    execution_id: executionId,
    workflow_id: 'wf',
    data: {},
  }));
}

function setUp(journals: Record<string, JournalEvent[]>, options: { maxBuffered?: number } = {}) {
  const transport = new FakeTransport();
  const bookmarks = new Map<string, Bookmark>();
  const gates = new Map<string, GateRecord>();
  const reads: Array<{ id: string; after: number }> = [];
  const publisher = new EventPublisher({
    transport,
    bookmarks: { get: (id) => Promise.resolve(bookmarks.get(id)), put: (id, b) => Promise.resolve(void bookmarks.set(id, b)) },
    gates: { put: (id, r) => Promise.resolve(void gates.set(id, r)) },
    journal: {
      read: (id, after, limit) => {
        reads.push({ id, after });
        const all = journals[id];
        if (all === undefined) return Promise.resolve(undefined);
        const events = all.slice(after, after + limit);
        return Promise.resolve({ events, has_more: after + events.length < all.length });
      },
    },
    bookmarkIntervalMs: 10,
    ...options,
  });
  return { transport, bookmarks, gates, reads, publisher };
}


it('publishes each execution\'s events in seq order and bookmarks a closed execution at once', async () => {
  const a = journalOf('a', 5);
  const b = journalOf('b', 4);
  const { transport, bookmarks, publisher, reads } = setUp({ a, b });
  for (let i = 0; i < 5; i++) {
    if (a[i]) publisher.accept(a[i]!);
    if (b[i]) publisher.accept(b[i]!);
  }
  expect(await publisher.idle(2_000)).toBe(true);
  expect(transport.published.filter((e) => e.execution_id === 'a').map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
  expect(transport.published.filter((e) => e.execution_id === 'b').map((e) => e.seq)).toEqual([1, 2, 3, 4]);
  expect(bookmarks.get('a')).toMatchObject({ seq: 5, closed: true });
  // New executions (seq 1 first) need no look-up.
  expect(reads).toEqual([]);
  await publisher.close(100);
});

it('holds events while the transport is down, retries a failed publish, and keeps the order', async () => {
  const a = journalOf('a', 6);
  const { transport, publisher } = setUp({ a });
  publisher.accept(a[0]!);
  await publisher.idle(1_000);
  transport.usable = false;
  for (const e of a.slice(1)) publisher.accept(e);
  await new Promise((r) => setTimeout(r, 50));
  expect(publisher.stats.buffered).toBe(5);
  transport.failNext = 1;
  transport.up();
  expect(await publisher.idle(5_000)).toBe(true);
  expect(transport.published.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
  expect(publisher.stats).toMatchObject({ buffered: 0, failures: 1 });
  await publisher.close(100);
});

it('bounds memory: past maxBuffered it drops events and reads them back from the journal later', async () => {
  const a = journalOf('a', 20);
  const { transport, publisher, reads } = setUp({ a }, { maxBuffered: 5 });
  transport.usable = false;
  for (const e of a) publisher.accept(e);
  expect(publisher.stats).toMatchObject({ buffered: 5, dropped: 15 });
  transport.up();
  expect(await publisher.idle(5_000)).toBe(true);
  expect(transport.published.map((e) => e.seq)).toEqual(a.map((e) => e.seq));
  expect(reads.length).toBeGreaterThan(0);
  await publisher.close(100);
});

it('fills a gap from the journal before publishing what follows it (another worker had the execution)', async () => {
  const a = journalOf('a', 8);
  const { transport, bookmarks, publisher, reads } = setUp({ a });
  bookmarks.set('a', { seq: 3, closed: false, at: new Date().toISOString() });
  publisher.accept(a[6]!);
  publisher.accept(a[7]!);
  expect(await publisher.idle(2_000)).toBe(true);
  expect(transport.published.map((e) => e.seq)).toEqual([4, 5, 6, 7, 8]);
  expect(reads).toEqual([{ id: 'a', after: 3 }]);
  await publisher.close(100);
});

it('catch-up fill: publishes what the stream lacks and marks a closed execution final', async () => {
  const a = journalOf('a', 4);
  const { transport, bookmarks, publisher } = setUp({ a, gone: [] });
  bookmarks.set('a', { seq: 2, closed: false, at: new Date().toISOString() });
  publisher.requestFill('a', true, { historyLength: 40, runId: 'r1' });
  publisher.requestFill('missing', true);
  expect(await publisher.idle(2_000)).toBe(true);
  await new Promise((r) => setTimeout(r, 20));
  expect(transport.published.map((e) => e.seq)).toEqual([3, 4]);
  expect(bookmarks.get('a')).toMatchObject({ seq: 4, closed: true, final: true, history_length: 40, run_id: 'r1' });
  await publisher.close(100);
});

it('indexes a waiting task\'s execution before publishing TaskWaitingStarted', async () => {
  const { gates, publisher } = setUp({});
  publisher.accept({ ...journalOf('a', 1)[0]!, seq: 1, type: EventType.TaskWaitingStarted, task_id: 'ask', task_exec_id: 'te-1' });
  await publisher.idle(1_000);
  expect(gates.get('te-1')).toEqual({ execution_id: 'a', workflow_id: 'wf', task_id: 'ask', kind: 'wait' });
  await publisher.close(100);
});

it('bookmarks what a catch-up verified even when nothing was missing', async () => {
  const a = journalOf('a', 3, EventType.TaskWaitingStarted);
  const { transport, bookmarks, publisher } = setUp({ a });
  bookmarks.set('a', { seq: 3, closed: false, at: new Date(0).toISOString() });
  publisher.requestFill('a', false, { historyLength: 17, runId: 'r2' });
  expect(await publisher.idle(2_000)).toBe(true);
  await new Promise((r) => setTimeout(r, 20));
  expect(transport.published).toEqual([]);
  expect(bookmarks.get('a')).toMatchObject({ seq: 3, closed: false, history_length: 17, run_id: 'r2' });
  expect(publisher.isUpToDate('a')).toBe(true);
  await publisher.close(100);
});
