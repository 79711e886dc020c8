/**
 * Bulk operations (docs/design.md §9): a bulk retry of executions paused on one failed task, selected
 * by a visibility query. The dry run counts them all and shows each sample's resume plan; the run
 * repairs every one, its progress is visible while it runs, and the API that started it is closed
 * mid-run (a new one reads the progress): nothing is lost. Refusals are per-execution outcomes with
 * their problem. `npm run test:bulk-500` runs it with 500 executions; `npm test` with 20.
 */
import { randomUUID } from 'node:crypto';
import { buildApp, type CadenzaApp } from '../../../src/api/app';
import { waitFor } from '../harness';
import { startApiContext, type ApiContext } from './api-context';
import { ExecutionDriver } from './execution-driver';

const COUNT = Number(process.env.CADENZA_BULK_TEST_COUNT ?? 20);
jest.setTimeout(Math.max(120_000, COUNT * 4000));

const limited = { key: 'pause-only-key-00000000001', name: 'pauser', permissions: ['execution:pause', 'executions:read'] };
const operator = { key: 'ops-bulk-key-0000000000001', name: 'ops', permissions: ['*'] };
let ctx: ApiContext;
let api: ExecutionDriver;
const definitionId = `bulk-${randomUUID().slice(0, 8)}`;
const query = `CadenzaWorkflowId = '${definitionId}' AND CadenzaStatus = 'paused'`;
const retry = { mode: 'retry', tasks: { charge: { input: { ok: true, value: 'repaired' } } } };

beforeAll(async () => {
  ctx = await startApiContext({ apiKeys: [operator, limited] });
  api = new ExecutionDriver(ctx.app, operator.key);
  await api.register({
    id: definitionId,
    tasks: [
      { id: 'charge', type: 'basic', tool: 'check', with: { ok: false }, on_error: { pause: true }, on_success: { next: 'done' } },
      { id: 'done', type: 'basic', tool: 'echo', with: { charged: '{{ tasks.charge.output.value }}' } },
    ],
    outputs: { charged: '{{ tasks.done.output.charged }}' },
  });
});

afterAll(async () => {
  await ctx?.close();
});

interface Progress {
  phase: string;
  total: number;
  done: number;
  succeeded: number;
  failed: number;
  outcomes: Array<{ execution_id: string; ok: boolean; problem?: { type: string } }>;
  has_more: boolean;
}

/** Starts one execution of version 1 (a cached lookup), again when the worker was too busy to answer. */
async function start(): Promise<string> {
  return waitFor(async () => {
    const res = await api.post(`/api/v1/workflows/${definitionId}/executions`, { input: {}, version: 1 });
    if (res.statusCode === 503) return undefined;
    expect(res.statusCode).toBe(202);
    return res.json<{ execution_id: string }>().execution_id;
  }, { what: 'a started execution', timeoutMs: 60_000, intervalMs: 200 });
}

async function progressOf(app: CadenzaApp, bulkId: string, qs = ''): Promise<Progress> {
  const res = await app.inject({ method: 'GET', url: `/api/v1/bulk/${bulkId}${qs}`, headers: { authorization: `Bearer ${operator.key}` } });
  if (res.statusCode !== 200) throw new Error(`progress: ${res.statusCode} ${res.body}`);
  return res.json<Progress>();
}

it('bad bulk requests are problems', async () => {
  for (const body of [{ action: 'resume' }, { action: 'resume', ids: [], query }, { action: 'explode', ids: ['x'] }, { action: 'resume', query: 'CadenzaStatus = ' }]) {
    const res = await api.post('/api/v1/executions/bulk', { ...body, dry_run: true });
    expect(res.statusCode).toBe(400);
  }
  expect((await api.get('/api/v1/bulk/cadenza-bulk-00000000-0000-0000-0000-000000000000')).statusCode).toBe(404);
  expect((await api.get('/api/v1/bulk/whatever')).statusCode).toBe(404);
});

it(`bulk retry of ${COUNT} executions paused on a failed task: dry run, run, progress, API restart, nothing lost`, async () => {
  const ids: string[] = [];
  for (let i = 0; i < COUNT; i += 20) {
    ids.push(...(await Promise.all(Array.from({ length: Math.min(20, COUNT - i) }, () => start()))));
  }
  const dryRun = await waitFor(
    async () => {
      const res = await api.post('/api/v1/executions/bulk', { action: 'resume', command: retry, query, dry_run: true });
      expect(res.statusCode).toBe(200);
      const body = res.json<{ count: number; sample: Array<{ status: string; plan: { ok: boolean } }> }>();
      return body.count === COUNT ? body : undefined;
    },
    { what: `${COUNT} paused executions in visibility`, timeoutMs: 60_000 + COUNT * 1000, intervalMs: 1000 },
  );
  expect(dryRun.sample.length).toBe(Math.min(10, COUNT));
  for (const entry of dryRun.sample) expect(entry).toMatchObject({ status: 'paused', plan: { ok: true } });

  // Permission per action: a key that may pause may not resume.
  expect((await api.post('/api/v1/executions/bulk', { action: 'resume', command: retry, query }, { key: limited.key })).statusCode).toBe(403);

  const rate = Math.max(10, COUNT / 5);
  const started = await api.post('/api/v1/executions/bulk', { action: 'resume', command: retry, query, rate_per_s: rate });
  expect(started.statusCode).toBe(202);
  const bulkId = started.json<{ bulk_id: string }>().bulk_id;

  // Progress visible mid-run; then the API that started it goes away and another one takes over.
  const midway = await waitFor(async () => {
    const p = await progressOf(ctx.app, bulkId);
    return p.done > 0 && p.done < COUNT ? p : undefined;
  }, { what: 'progress mid-run', timeoutMs: 60_000, intervalMs: 100 });
  expect(midway.total).toBe(COUNT);
  await ctx.app.close();
  const second = await buildApp({ config: ctx.config, client: ctx.t.client, definitions: ctx.store });
  try {
    const final = await waitFor(async () => {
      const p = await progressOf(second, bulkId);
      return p.phase === 'completed' ? p : undefined;
    }, { what: 'bulk completed', timeoutMs: 60_000 + COUNT * 500, intervalMs: 500 });
    expect(final).toMatchObject({ total: COUNT, done: COUNT, succeeded: COUNT, failed: 0 });
    const all = await progressOf(second, bulkId, `?limit=1000`);
    expect(new Set(all.outcomes.map((o) => o.execution_id))).toEqual(new Set(ids.slice(0, 1000)));

    // Every execution repaired and completed.
    const driver = new ExecutionDriver(second, operator.key);
    for (const id of ids) {
      await driver.waitForStatus(id, 'completed');
    }
    expect((await driver.execution(ids[0]!)).outputs).toEqual({ charged: 'repaired' });

    // Again by ids: each refusal is an outcome with its problem.
    const again = await driver.post('/api/v1/executions/bulk', { action: 'resume', command: retry, ids: ids.slice(0, 3).concat(['nope-00000000-0000-0000-0000-000000000000']), rate_per_s: 50 });
    expect(again.statusCode).toBe(202);
    const refused = await waitFor(async () => {
      const p = await progressOf(second, again.json<{ bulk_id: string }>().bulk_id);
      return p.phase === 'completed' ? p : undefined;
    }, { what: 'second bulk completed' });
    expect(refused).toMatchObject({ total: 4, succeeded: 0, failed: 4 });
    expect(refused.outcomes.map((o) => o.problem?.type)).toEqual([
      ...Array(3).fill('https://cadenza.dev/problems/execution_closed'),
      'https://cadenza.dev/problems/execution_not_found',
    ]);
  } finally {
    await second.close();
  }
});
