/**
 * `SegmentedJournal` over an in-memory source: whatever the runs' boundaries and the readers' `after`
 * and `limit`, the pages join into exactly seq 1..N (no gap, no duplicate); closed runs are cached and
 * bounded in bytes; runs lost to retention and contradicting segments are clear errors.
 */
import fc from 'fast-check';
import { JournalSegmentExpired } from '../../../src/errors/journal-problems';
import { JournalInconsistent, type JournalPage, SegmentedJournal } from '../../../src/executions/journal-segments';
import { FakeSegments, type FakeSegmentsOptions } from './fake-segments';

/** Reads from `after` to the end with the given limits (cycled); every page checked on the way. */
async function readAll(journal: SegmentedJournal, id: string, after: number, limits: number[]): Promise<number[]> {
  const seqs: number[] = [];
  let cursor = after;
  for (let i = 0; ; i++) {
    const limit = limits[i % limits.length]!;
    const page: JournalPage = await journal.page(id, cursor, limit);
    expect(page.events.length).toBeLessThanOrEqual(limit);
    if (page.has_more) expect(page.events.length).toBeGreaterThan(0);
    seqs.push(...page.events.map((e) => e.seq));
    if (page.events.length > 0) cursor = page.events[page.events.length - 1]!.seq;
    if (!page.has_more) return seqs;
    if (i > 100_000) throw new Error('no end');
  }
}

const range = (from: number, to: number): number[] => Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);

/** A journal of 1..total events split at random boundaries (some runs empty). */
const segmentsArb = fc
  .integer({ min: 1, max: 3000 })
  .chain((total) =>
    fc.record({
      total: fc.constant(total),
      boundaries: fc.array(fc.integer({ min: 2, max: total + 1 }), { maxLength: 12 }).map((b) => b.sort((x, y) => x - y)),
      answerCap: fc.option(fc.integer({ min: 1, max: 1200 }), { nil: undefined }),
      legacyFirstRun: fc.boolean(),
    }),
  );

it('pages join into exactly the events after `after`, across any run boundaries, limits and short answers', async () => {
  await fc.assert(
    fc.asyncProperty(
      segmentsArb,
      fc.integer({ min: 0, max: 3100 }),
      fc.array(fc.integer({ min: 1, max: 1000 }), { minLength: 1, maxLength: 5 }),
      fc.integer({ min: 1, max: 4 * 1024 * 1024 }),
      async (options: FakeSegmentsOptions, after, limits, cacheBytes) => {
        const source = new FakeSegments(options);
        const journal = new SegmentedJournal({ source, cacheBytes });
        expect(await readAll(journal, source.executionId, after, limits)).toEqual(range(after + 1, options.total));
        expect(journal.cachedBytes).toBeLessThanOrEqual(cacheBytes);
      },
    ),
    { numRuns: 100 },
  );
});

it('answers any single page from the run holding after + 1, starting exactly there', async () => {
  await fc.assert(
    fc.asyncProperty(segmentsArb, fc.integer({ min: 0, max: 3100 }), fc.integer({ min: 1, max: 1000 }), async (options, after, limit) => {
      const source = new FakeSegments(options);
      const page = await new SegmentedJournal({ source }).page(source.executionId, after, limit);
      const seqs = page.events.map((e) => e.seq);
      expect(seqs).toEqual(range(after + 1, after + seqs.length));
      expect(page.last_seq).toBe(options.total);
      expect(page.has_more).toBe(after + seqs.length < options.total);
      if (after < options.total) expect(seqs.length).toBeGreaterThan(0);
    }),
    { numRuns: 300 },
  );
});

it('reads a closed run once: later readers of its events are answered from the cache', async () => {
  const source = new FakeSegments({ total: 2500, boundaries: [1001, 2001] });
  const journal = new SegmentedJournal({ source });
  expect(await readAll(journal, source.executionId, 0, [500])).toEqual(range(1, 2500));
  const first = { run0: source.queriesOf('run-0'), run1: source.queriesOf('run-1') };
  expect(first.run0).toBeGreaterThan(0);
  // Other readers, other positions and limits: no closed run is asked again.
  expect(await readAll(journal, source.executionId, 17, [333, 7])).toEqual(range(18, 2500));
  expect(await readAll(journal, source.executionId, 999, [1000])).toEqual(range(1000, 2500));
  expect({ run0: source.queriesOf('run-0'), run1: source.queriesOf('run-1') }).toEqual(first);
  expect(journal.cachedBytes).toBeGreaterThan(0);
});

it('keeps the cache within its bytes, and still answers correctly when a page does not fit at all', async () => {
  const source = new FakeSegments({ total: 3000, boundaries: [1001, 2001] });
  const journal = new SegmentedJournal({ source, cacheBytes: 10_000 });
  expect(await readAll(journal, source.executionId, 0, [1000])).toEqual(range(1, 3000));
  expect(journal.cachedBytes).toBeLessThanOrEqual(10_000);
});

it('shares one query among concurrent readers of the same closed block', async () => {
  const source = new FakeSegments({ total: 1200, boundaries: [1001] });
  const journal = new SegmentedJournal({ source });
  const pages = await Promise.all(range(0, 9).map((after) => journal.page(source.executionId, after, 10)));
  pages.forEach((page, after) => expect(page.events[0]?.seq).toBe(after + 1));
  expect(source.queriesOf('run-0')).toBe(1);
});

it('follows the live journal as the execution continues as new while it is read', async () => {
  const source = new FakeSegments({ total: 5, boundaries: [] });
  const journal = new SegmentedJournal({ source });
  const seen: number[] = [];
  let after = 0;
  for (let round = 0; round < 6; round++) {
    const page = await journal.page(source.executionId, after, 4);
    seen.push(...page.events.map((e) => e.seq));
    after = seen[seen.length - 1] ?? after;
    // A reader that lags behind by a run or two still reads on without a gap.
    if (round % 2 === 0) source.continueAsNew();
    source.total += 3;
  }
  expect(await readAll(journal, source.executionId, after, [4])).toEqual(range(after + 1, source.total));
  expect([...seen, ...range(after + 1, source.total)]).toEqual(range(1, source.total));
});

it('finds one event of a closed run (output references)', async () => {
  const source = new FakeSegments({ total: 30, boundaries: [11, 21] });
  const journal = new SegmentedJournal({ source });
  expect(await journal.eventOfRun(source.executionId, 'run-1', 12)).toMatchObject({ seq: 12, type: 'TaskExecutionSuccess', data: { output: { seq: 12 } } });
  // Not in that run's segment: no event, not another run's.
  expect(await journal.eventOfRun(source.executionId, 'run-1', 5)).toBeUndefined();
  expect(await journal.eventOfRun(source.executionId, 'run-1', 25)).toBeUndefined();
});

it('says which events are lost when a closed run is gone (retention), and reads on after them', async () => {
  const source = new FakeSegments({ total: 30, boundaries: [11, 21] });
  source.gone.add('run-0');
  const journal = new SegmentedJournal({ source });
  const failure = await journal.page(source.executionId, 3, 5).catch((e: unknown) => e);
  expect(failure).toBeInstanceOf(JournalSegmentExpired);
  expect(failure).toMatchObject({ status: 410, slug: 'journal_segment_expired', extensions: { run_id: 'run-0', available_after: 10 } });
  expect(await readAll(journal, source.executionId, 10, [7])).toEqual(range(11, 30));
});

it('refuses segments that contradict each other instead of answering a gap', async () => {
  // The current run claims to start at 21 but has no previous run.
  const orphan = new FakeSegments({ total: 30, boundaries: [21] });
  orphan.runs[1]!.previousRunId = null;
  await expect(new SegmentedJournal({ source: orphan }).page(orphan.executionId, 0, 5)).rejects.toBeInstanceOf(JournalInconsistent);
  // A cycle of previous runs.
  const cycle = new FakeSegments({ total: 30, boundaries: [11, 21] });
  cycle.runs[0]!.previousRunId = 'run-2';
  cycle.runs[0]!.firstSeq = 25;
  await expect(new SegmentedJournal({ source: cycle }).page(cycle.executionId, 0, 5)).rejects.toBeInstanceOf(JournalInconsistent);
});

it('treats out-of-range after and limit as the query does', async () => {
  const source = new FakeSegments({ total: 1500, boundaries: [700] });
  const journal = new SegmentedJournal({ source });
  expect((await journal.page(source.executionId, undefined, undefined)).events).toHaveLength(500);
  expect((await journal.page(source.executionId, -5, 0)).events.map((e) => e.seq)).toEqual([1]);
  expect((await journal.page(source.executionId, 1.7, 10_000)).events[0]?.seq).toBe(2);
  expect((await journal.page(source.executionId, Number.NaN, Number.POSITIVE_INFINITY)).events[0]?.seq).toBe(1);
  expect(await journal.page(source.executionId, 10_000, 5)).toEqual({ events: [], last_seq: 1500, has_more: false });
});

it('reads a closed segment that starts inside a block from its own start, so readers there share its pages', async () => {
  const source = new FakeSegments({ total: 2500, boundaries: [501, 2001] });
  const journal = new SegmentedJournal({ source });
  for (const after of [600, 700, 990]) expect((await journal.page(source.executionId, after, 10)).events[0]?.seq).toBe(after + 1);
  // One query learns where run-1 starts (the aligned block is before it), one reads from there.
  expect(source.queriesOf('run-1')).toBe(2);
});
