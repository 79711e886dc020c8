/**
 * End to end with the real interpreter (docs/design.md §6, §11): an execution that continues as new
 * (`limits.continue_after_events`) is read through the API as one journal: REST `/events` pages
 * continuously across its runs, SSE streams all of it and ends, and task context shows a large output
 * that an earlier run holds (`output_ref`) as the real value.
 */
import { randomUUID } from 'node:crypto';
import type { ExecutionInput } from '../../../src/workflows/contracts';
import type { JournalEvent } from '../../../src/workflows/events';
import { eventsQuery, taskContextQuery } from '../../../src/workflows/messages';
import { CadenzaStatusKey, CadenzaWorkflowIdKey, CadenzaWorkflowVersionKey } from '../../../src/workflows/search-attributes';
import { tools } from '../fixtures/test-tools';
import { startTestWorker, type TestWorker } from '../harness';
import { definition } from '../workflow/start-execution';
import { type ApiContext, call, startApiContext } from './api-context';
import { SseClient } from './sse-client';

let ctx: ApiContext;
let w: TestWorker;
let base: string;

beforeAll(async () => {
  ctx = await startApiContext({ worker: false });
  // `kilobytes` (among the test tools) returns `kb` KiB of text: a task with a large output.
  w = await startTestWorker({ taskQueue: ctx.taskQueue, tools });
  await ctx.app.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(ctx.app.server.address() as { port: number }).port}`;
});

afterAll(async () => {
  await w?.shutdown();
  await ctx?.close();
});

const range = (from: number, to: number): number[] => Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);

async function readAll(id: string, limit: number): Promise<JournalEvent[]> {
  const out: JournalEvent[] = [];
  for (;;) {
    const res = await call(ctx.app, 'GET', `/api/v1/executions/${id}/events?after=${out.at(-1)?.seq ?? 0}&limit=${limit}`);
    expect(res.statusCode).toBe(200);
    const page = res.json<{ events: JournalEvent[]; has_more: boolean }>();
    out.push(...page.events);
    if (!page.has_more) return out;
  }
}

it('an interpreter execution that continued as new reads as one journal (REST, SSE) and shows outputs an earlier run holds', async () => {
  const tasks = Array.from({ length: 30 }, (_, i) => ({
    id: `t${i}`,
    type: 'basic',
    tool: 'kilobytes',
    with: { kb: 20, n: i },
    ...(i < 29 && { on_success: { next: `t${i + 1}` } }),
  }));
  const def = definition({ id: 'long-read', tasks, outputs: { last: '{{ tasks.t29.output.n }}' } });
  const args: ExecutionInput = { definition: def, input: {}, env: {}, trigger: { source: 'api' }, limits: { continue_after_events: 150 } };
  const id = `${def.id}-${randomUUID()}`;
  const handle = await ctx.t.client.workflow.start('cadenzaInterpreter', {
    args: [args],
    taskQueue: ctx.taskQueue,
    workflowId: id,
    typedSearchAttributes: [
      { key: CadenzaStatusKey, value: 'running' },
      { key: CadenzaWorkflowIdKey, value: def.id },
      { key: CadenzaWorkflowVersionKey, value: def.version },
    ],
  });
  await handle.result();
  const current = await ctx.t.client.workflow.getHandle(id).query(eventsQuery, { after: 0, limit: 1 });
  expect(current.first_seq ?? 1).toBeGreaterThan(1);

  const events = await readAll(id, 1000);
  expect(events.map((e) => e.seq)).toEqual(range(1, events.length));
  expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
  expect(events[0]?.type).toBe('WorkflowExecutionStarted');
  expect(events.at(-1)?.type).toBe('WorkflowExecutionSuccess');
  expect(events.filter((e) => e.type === 'TaskExecutionSuccess')).toHaveLength(30);
  expect((await readAll(id, 7)).map((e) => e.seq)).toEqual(range(1, events.length));

  const sse = await SseClient.open(`${base}/api/v1/executions/${id}/stream`);
  try {
    await new Promise<void>((resolve, reject) => {
      const started = Date.now();
      const timer = setInterval(() => {
        if (sse.frames.some((f) => f.event === 'end')) resolve();
        else if (Date.now() - started > 60_000) reject(new Error('no end event'));
        else return;
        clearInterval(timer);
      }, 200);
    });
    expect(sse.events.map((e) => e.seq)).toEqual(range(1, events.length));
  } finally {
    sse.close();
  }

  // t1 ran in the first run (20 KiB is over the interpreter's 8 KiB inline limit): the current run holds its output only by reference; the API shows the value.
  const raw = await ctx.t.client.workflow.getHandle(id).query(taskContextQuery, 't1');
  const res = await call(ctx.app, 'GET', `/api/v1/executions/${id}/tasks/t1/context`);
  expect(res.statusCode).toBe(200);
  const body = res.json<{ output: { blob: string; n: number }; output_ref?: unknown }>();
  expect(body.output.n).toBe(1);
  expect(body.output.blob).toHaveLength(20 * 1024);
  expect(body.output_ref).toBeUndefined();
  if (raw?.output_ref === undefined) throw new Error('t1 is expected to be held by reference in the last run');
}, 180_000);
