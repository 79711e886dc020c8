/**
 * The publisher's gap fill across continue-as-new: it reads the journal through the segmented journal
 * (`src/executions/journal-segments.ts`), so whatever the runs' boundaries, the bookmark and the live
 * events a worker happened to see (a new run's events just continue the seq), the stream gets every
 * event exactly once, in seq order.
 */
import fc from 'fast-check';
import { type Bookmark, EventPublisher, type EventTransport } from '../../../src/events/event-publisher';
import { SegmentedJournal } from '../../../src/executions/journal-segments';
import type { JournalEvent } from '../../../src/workflows/events';
import { fakeEvent, FakeSegments } from '../executions/fake-segments';

class RecordingTransport implements EventTransport {
  readonly usable = true;
  readonly published: JournalEvent[] = [];
  whenUsable(): Promise<boolean> {
    return Promise.resolve(true);
  }
  publish(event: JournalEvent): Promise<void> {
    this.published.push(event);
    return Promise.resolve();
  }
}

it('publishes 1..N in order once, with live events of later runs and gaps before them filled from earlier runs', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 2, max: 1500 }).chain((total) =>
        fc.record({
          total: fc.constant(total),
          boundaries: fc.array(fc.integer({ min: 2, max: total }), { maxLength: 6 }).map((b) => b.sort((x, y) => x - y)),
          bookmark: fc.integer({ min: 0, max: total }),
          // Which events the sink handed to this worker (the others were lost with another worker).
          handed: fc.array(fc.boolean(), { minLength: total, maxLength: total }),
          answerCap: fc.option(fc.integer({ min: 1, max: 700 }), { nil: undefined }),
        }),
      ),
      async ({ total, boundaries, bookmark, handed, answerCap }) => {
        const source = new FakeSegments({ total, boundaries, answerCap });
        const journal = new SegmentedJournal({ source });
        const transport = new RecordingTransport();
        const bookmarks = new Map<string, Bookmark>();
        if (bookmark > 0) bookmarks.set(source.executionId, { seq: bookmark, closed: false, at: new Date().toISOString() });
        const publisher = new EventPublisher({
          transport,
          bookmarks: { get: (id) => Promise.resolve(bookmarks.get(id)), put: (id, b) => Promise.resolve(void bookmarks.set(id, b)) },
          journal: { read: (id, after, limit) => journal.page(id, after, limit) },
          bookmarkIntervalMs: 60_000,
        });
        handed.forEach((seen, i) => seen && publisher.accept(fakeEvent(source.executionId, i + 1)));
        // The catch-up asks for the rest (the last events were never handed over).
        publisher.requestFill(source.executionId, false);
        expect(await publisher.idle(10_000)).toBe(true);
        await publisher.close(100);
        const seqs = transport.published.map((e) => e.seq);
        // In order, never twice; everything after the bookmark (a new execution's own first events may repeat what it says).
        seqs.slice(1).forEach((seq, i) => expect(seq).toBeGreaterThan(seqs[i]!));
        expect(seqs.filter((s) => s > bookmark)).toEqual(Array.from({ length: total - bookmark }, (_, i) => bookmark + 1 + i));
      },
    ),
    { numRuns: 60 },
  );
});
