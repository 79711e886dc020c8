/**
 * The execution journal: gap-free `seq` from 1, unique ids, and pages after a sequence number.
 */
import fc from 'fast-check';
import { Journal, MAX_PAGE_BYTES } from '../../../src/workflows/journal';

function journalWith(n: number): Journal {
  const journal = new Journal('exec-1', 'wf');
  for (let i = 0; i < n; i++) journal.append({ type: 'TaskScheduled', task_id: `t${i}` });
  return journal;
}

describe('Journal', () => {
  it('numbers events from 1 without gaps, with unique ids and the execution identity', () => {
    const journal = journalWith(3);
    const { events, last_seq } = journal.page();
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(last_seq).toBe(3);
    expect(new Set(events.map((e) => e.id)).size).toBe(3);
    expect(events[0]).toMatchObject({ execution_id: 'exec-1', workflow_id: 'wf', type: 'TaskScheduled', task_id: 't0', data: {} });
  });

  it('leaves out optional fields that are not given, and keeps a given time', () => {
    const journal = new Journal('e', 'w');
    const plain = journal.append({ type: 'WorkflowExecutionStarted' });
    expect(Object.keys(plain).sort()).toEqual(['data', 'execution_id', 'id', 'seq', 'time', 'type', 'workflow_id']);
    expect(Date.parse(plain.time)).not.toBeNaN();
    const full = journal.append({ type: 'TaskExecutionStarted', task_id: 'a', task_exec_id: 'x', attempt: 2, actor: 'ops', time: '2030-01-01T00:00:00.000Z', data: { k: 1 } });
    expect(full).toMatchObject({ seq: 2, task_id: 'a', task_exec_id: 'x', attempt: 2, actor: 'ops', time: '2030-01-01T00:00:00.000Z', data: { k: 1 } });
  });

  it('pages after a sequence number, and says when more follow', () => {
    const journal = journalWith(10);
    const first = journal.page({ after: 0, limit: 4 });
    expect(first.events.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
    expect(first.has_more).toBe(true);
    const rest = journal.page({ after: 8 });
    expect(rest.events.map((e) => e.seq)).toEqual([9, 10]);
    expect(rest.has_more).toBe(false);
    expect(journal.page({ after: 10 })).toEqual({ events: [], last_seq: 10, has_more: false, first_seq: 1, previous_run_id: null });
    expect(journal.page({ after: 99 }).events).toEqual([]);
  });

  it('clamps odd arguments: negative or fractional after, a limit outside 1..1000', () => {
    const journal = journalWith(1200);
    expect(journal.page({ after: -5, limit: 2 }).events.map((e) => e.seq)).toEqual([1, 2]);
    expect(journal.page({ after: 2.9, limit: 1.5 }).events.map((e) => e.seq)).toEqual([3]);
    expect(journal.page({ limit: 0 }).events).toHaveLength(1);
    expect(journal.page({ limit: 5000 }).events).toHaveLength(1000);
    expect(journal.page().events).toHaveLength(500);
  });

  it('holds one segment in a continued run: seq goes on from first_seq, earlier seqs point to the previous run', () => {
    const journal = new Journal('exec-1', 'wf', () => undefined, { firstSeq: 41, previousRunId: 'run-1' }, 'run-2');
    for (let i = 0; i < 5; i++) journal.append({ type: 'CommandRejected' });
    expect(journal.lastSeq).toBe(45);
    expect(journal.length).toBe(5);
    expect(journal.page({ after: 40 }).events.map((e) => e.seq)).toEqual([41, 42, 43, 44, 45]);
    expect(journal.page({ after: 43, limit: 1 })).toMatchObject({ last_seq: 45, has_more: true, first_seq: 41, previous_run_id: 'run-1' });
    expect(journal.page({ after: 3 })).toEqual({ events: [], last_seq: 45, has_more: true, first_seq: 41, previous_run_id: 'run-1' });
    const last = journal.page({ after: 44 }).events[0];
    expect(last).toBeDefined();
    if (last !== undefined) expect(journal.refOf(last)).toEqual({ run_id: 'run-2', seq: 45 });
  });
});

describe('Journal pages by size', () => {
  const sizeOf = (events: unknown[]) => events.reduce<number>((n, e) => n + JSON.stringify(e).length, 0);

  it('stops a page before MAX_PAGE_BYTES of JSON, and always holds one event however large', () => {
    const journal = new Journal('exec-1', 'wf');
    const big = 'x'.repeat(150_000);
    for (let i = 0; i < 10; i++) journal.append({ type: 'TaskExecutionSuccess', task_id: `t${i}`, data: { output: big } });
    journal.append({ type: 'TaskExecutionSuccess', task_id: 'huge', data: { output: 'y'.repeat(MAX_PAGE_BYTES * 2) } });
    const first = journal.page({ after: 0, limit: 1000 });
    expect(first.events.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(first.has_more).toBe(true);
    expect(sizeOf(first.events)).toBeLessThanOrEqual(MAX_PAGE_BYTES);
    expect(journal.page({ after: 10 }).events.map((e) => e.task_id)).toEqual(['huge']);
  });

  it('pages read one after another give back every event once, in order, whatever their sizes', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 300_000 }), { minLength: 1, maxLength: 40 }), fc.integer({ min: 1, max: 1000 }), (sizes, limit) => {
        const journal = new Journal('exec-1', 'wf');
        for (const size of sizes) journal.append({ type: 'TaskExecutionSuccess', data: { output: 'z'.repeat(size) } });
        const seen: number[] = [];
        let after = 0;
        for (;;) {
          const page = journal.page({ after, limit });
          expect(page.events.length === 1 || sizeOf(page.events) <= MAX_PAGE_BYTES).toBe(true);
          seen.push(...page.events.map((e) => e.seq));
          if (!page.has_more) break;
          after = page.events.at(-1)!.seq;
        }
        expect(seen).toEqual(sizes.map((_, i) => i + 1));
      }),
      { numRuns: 40 },
    );
  });
});
