/**
 * The journal of an execution that continued as new, read through the API against a real Temporal dev
 * server (docs/design.md §11), with the TEST-ONLY segmented journal workflow: REST `/events` (through
 * `app.inject`) pages continuously across runs (empty runs included), SSE streams across them live
 * and after a reconnect, task context resolves `output_ref`s from closed runs, and events of a run
 * Temporal no longer holds are a clear 410 (REST) or one `error` frame (SSE) after which reading goes on.
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { waitFor } from '../harness';
import { eventsQuery } from '../../../src/workflows/messages';
import type { JournalEvent } from '../../../src/workflows/events';
import { startSegmentedJournal, startSegmentedJournalWorker, step, type SegmentedJournalWorker } from '../fixtures/segmented-journal-worker';
import { type ApiContext, call, expectProblem, startApiContext } from './api-context';
import { SseClient } from './sse-client';

let ctx: ApiContext;
let w: SegmentedJournalWorker;
let base: string;

beforeAll(async () => {
  ctx = await startApiContext({ worker: false });
  w = await startSegmentedJournalWorker({ taskQueue: ctx.taskQueue });
  await ctx.app.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(ctx.app.server.address() as { port: number }).port}`;
}, 120_000);

afterAll(async () => {
  await w?.shutdown();
  await ctx?.close();
});

const range = (from: number, to: number): number[] => Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);

interface Page {
  events: JournalEvent[];
  last_seq: number;
  has_more: boolean;
}

async function page(id: string, after: number, limit: number): Promise<Page> {
  const res = await call(ctx.app, 'GET', `/api/v1/executions/${id}/events?after=${after}&limit=${limit}`);
  expect(res.statusCode).toBe(200);
  return res.json<Page>();
}

async function readAll(id: string, after: number, limits: number[]): Promise<JournalEvent[]> {
  const out: JournalEvent[] = [];
  for (let i = 0, cursor = after; ; i++) {
    const p = await page(id, cursor, limits[i % limits.length]!);
    if (p.has_more) expect(p.events.length).toBeGreaterThan(0);
    out.push(...p.events);
    cursor = out[out.length - 1]?.seq ?? cursor;
    if (!p.has_more) return out;
  }
}

/** Runs of the execution, oldest first (Temporal's own view: every run but the last continued as new). */
async function runsOf(id: string): Promise<Array<{ runId: string; status: string }>> {
  const runs: Array<{ runId: string; status: string; start: number }> = [];
  for await (const info of ctx.t.client.workflow.list({ query: `WorkflowId = '${id}'` })) runs.push({ runId: info.runId, status: info.status.name, start: info.startTime.getTime() });
  return runs.sort((a, b) => a.start - b.start);
}

/** An execution of 1 + a + 3 + b + 10 events in five runs, the second one empty. */
async function fiveRuns(a = 1200, b = 1500): Promise<{ id: string; total: number }> {
  const handle = await startSegmentedJournal(ctx.t, w.taskQueue);
  await step(handle, [{ append: a }, { roll: true }, { roll: true }, { append: 3 }, { roll: true }, { append: b, pad: 20 }, { roll: true }, { append: 10 }]);
  const id = handle.workflowId;
  const total = 1 + a + 3 + b + 10;
  await waitFor(async () => (await ctx.t.client.workflow.getHandle(id).query(eventsQuery, { after: total - 1, limit: 5 })).last_seq === total, {
    what: 'the fifth run',
    timeoutMs: 60_000,
  });
  return { id, total };
}

let five: { id: string; total: number };

beforeAll(async () => {
  five = await fiveRuns();
}, 120_000);

it('continued as new four times: the current run holds only its own segment, each closed run its own, unchanged', async () => {
  const runs = await runsOf(five.id);
  expect(runs.map((r) => r.status)).toEqual(['CONTINUED_AS_NEW', 'CONTINUED_AS_NEW', 'CONTINUED_AS_NEW', 'CONTINUED_AS_NEW', 'RUNNING']);
  const segments = await Promise.all(runs.map(async (r) => ctx.t.client.workflow.getHandle(five.id, r.runId).query(eventsQuery, { after: 0, limit: 1 })));
  expect(segments.map((s) => [s.first_seq, s.last_seq, s.previous_run_id])).toEqual([
    [1, 1201, null],
    [1202, 1201, runs[0]!.runId],
    [1202, 1204, runs[1]!.runId],
    [1205, 2704, runs[2]!.runId],
    [2705, 2714, runs[3]!.runId],
  ]);
  expect(segments.map((s) => s.events.length)).toEqual([1, 0, 0, 0, 0]);
});

it('REST /events pages continuously across the runs for any after and limit: exactly 1..N, each event once', async () => {
  const all = await readAll(five.id, 0, [1000]);
  expect(all.map((e) => e.seq)).toEqual(range(1, five.total));
  expect(new Set(all.map((e) => e.id)).size).toBe(five.total);
  expect(all.every((e) => e.execution_id === five.id)).toBe(true);
  // Pages stop at the end of a segment at the latest, never straddle it with a gap.
  expect((await page(five.id, 1195, 1000)).events.map((e) => e.seq)).toEqual(range(1196, 1201));
  expect(await page(five.id, 1201, 2)).toMatchObject({ last_seq: five.total, has_more: true });
  expect((await page(five.id, 1201, 2)).events.map((e) => e.seq)).toEqual([1202, 1203]);
  for (const [after, limits] of fc.sample(fc.tuple(fc.integer({ min: 0, max: five.total + 5 }), fc.array(fc.integer({ min: 1, max: 1000 }), { minLength: 1, maxLength: 3 })), { numRuns: 12, seed: 10 })) {
    expect((await readAll(five.id, after, limits)).map((e) => e.seq)).toEqual(range(after + 1, five.total));
  }
});

it('SSE streams across the runs, resumes after Last-Event-ID in an earlier run, and ends after the last run', async () => {
  // Smaller (the SSE pages are 500 events): runs of 1..601, none, 602..604, 605..1304, 1305..1314.
  const { id, total } = await fiveRuns(600, 700);
  const live = await SseClient.open(`${base}/api/v1/executions/${id}/stream`);
  const resumed = await SseClient.open(`${base}/api/v1/executions/${id}/stream`, { 'last-event-id': '550' });
  try {
    await waitFor(() => live.frames.length >= total && resumed.frames.length >= total - 550, { what: 'every event streamed', timeoutMs: 90_000, intervalMs: 500 });
    // More after another continue-as-new, then the end.
    await step(ctx.t.client.workflow.getHandle(id), [{ roll: true }, { append: 2 }, { finish: true }]);
    await waitFor(() => live.frames.some((f) => f.event === 'end') && resumed.frames.some((f) => f.event === 'end'), { what: 'end events', timeoutMs: 60_000 });
    expect(live.events.map((e) => e.seq)).toEqual(range(1, total + 3));
    expect(resumed.events.map((e) => e.seq)).toEqual(range(551, total + 3));
    expect(JSON.parse(live.frames.find((f) => f.event === 'end')!.data!)).toMatchObject({ execution_id: id, status: 'completed', last_seq: total + 3 });
  } finally {
    live.close();
    resumed.close();
  }
}, 180_000);

it('task context reads an output and input moved out before a continue-as-new back from its closed run', async () => {
  // t5 was journaled by the first run, t2000 by the fourth; t2710 by the current run (inline).
  for (const [task, seq] of [['t5', 5], ['t2000', 2000], ['t2710', 2710]] as const) {
    const res = await call(ctx.app, 'GET', `/api/v1/executions/${five.id}/tasks/${task}/context`);
    expect(res.statusCode).toBe(200);
    const body = res.json<Record<string, unknown> & { runs: Array<Record<string, unknown>> }>();
    expect(body.output).toEqual({ seq, pad: seq >= 1205 && seq <= 2704 ? 'x'.repeat(20) : '' });
    expect(body).not.toHaveProperty('output_ref');
    expect(body.input).toEqual({ task: seq });
    expect(body).not.toHaveProperty('input_ref');
    expect(body.runs[0]!.output).toEqual(body.output);
  }
  expect((await call(ctx.app, 'GET', `/api/v1/executions/${five.id}/tasks/nope/context`)).statusCode).toBe(404);
});

it('events of a run Temporal no longer holds: REST answers 410 journal_segment_expired, SSE says so once and streams on', async () => {
  // As after the namespace retention removed the first run: this run continued from a run that is gone.
  // (The dev server ignores deleting a closed run of a running chain, so the gone run is made up.)
  const gone = randomUUID();
  const handle = await startSegmentedJournal(ctx.t, w.taskQueue, { first_seq: 21, previous_run_id: gone });
  await step(handle, [{ append: 5 }, { roll: true }, { append: 5 }]);
  const id = handle.workflowId;
  await waitFor(async () => (await page(id, 20, 1)).last_seq === 30, { what: 'two runs' });
  const expired = await call(ctx.app, 'GET', `/api/v1/executions/${id}/events?after=3`);
  expect(expectProblem(expired, 410, 'journal_segment_expired')).toMatchObject({ execution_id: id, run_id: gone, available_after: 20 });
  expect((await readAll(id, 20, [4])).map((e) => e.seq)).toEqual(range(21, 30));

  const sse = await SseClient.open(`${base}/api/v1/executions/${id}/stream`);
  try {
    await waitFor(() => sse.events.length >= 10, { what: 'the events still held' });
    const errors = sse.frames.filter((f) => f.event === 'error');
    expect(errors).toHaveLength(1);
    expect(JSON.parse(errors[0]!.data!)).toMatchObject({ type: 'https://cadenza.dev/problems/journal_segment_expired', available_after: 20 });
    expect(sse.events.map((e) => e.seq)).toEqual(range(21, 30));
  } finally {
    sse.close();
  }
});
