/**
 * Schedules (docs/design.md §9): a definition with `schedule: {every: 2s}` becomes a Temporal
 * Schedule whose runs are executions of that version (readable through the API); pausing the
 * definition's schedule stops the runs, resuming starts them again; a definition version without
 * `schedule` removes it.
 */
import { randomUUID } from 'node:crypto';
import { waitFor } from '../harness';
import { startApiContext, type ApiContext } from './api-context';
import { ExecutionDriver } from './execution-driver';

jest.setTimeout(120_000);

let ctx: ApiContext;
let api: ExecutionDriver;
const id = `sched-${randomUUID().slice(0, 8)}`;
const definition = {
  id,
  input: { type: 'object', required: ['n'], properties: { n: { type: 'number' } } },
  schedule: { every: '2s', overlap: 'allow_all', input: { n: 7 } },
  tasks: [{ id: 'echo', type: 'basic', tool: 'echo', with: { n: '{{ input.n }}' } }],
  outputs: { n: '{{ tasks.echo.output.n }}' },
};

interface Schedule {
  paused: boolean;
  workflow_version: number;
  recent_runs: Array<{ execution_id: string }>;
  spec: { every: string | null };
}

beforeAll(async () => {
  ctx = await startApiContext();
  api = new ExecutionDriver(ctx.app);
});

afterAll(async () => {
  await ctx.t.client.schedule.getHandle(`cadenza-schedule-${id}`).delete().catch(() => undefined);
  await ctx?.close();
});

async function schedule(): Promise<Schedule> {
  const res = await api.get(`/api/v1/workflows/${id}/schedule`);
  expect(res.statusCode).toBe(200);
  return res.json<Schedule>();
}

it('a schedule fires, its runs are executions, and it stops while paused', async () => {
  const invalid = await api.post('/api/v1/workflows/validate', { ...definition, schedule: { every: '2s', input: { n: 'x' } } });
  expect(invalid.statusCode).toBe(422);
  await api.register(definition);
  expect(await schedule()).toMatchObject({ paused: false, workflow_version: 1, spec: { every: '2s' } });
  const fired = await waitFor(async () => {
    const s = await schedule();
    return s.recent_runs.length >= 1 ? s : undefined;
  }, { what: 'a scheduled run', timeoutMs: 30_000, intervalMs: 500 });
  const executionId = fired.recent_runs[0]!.execution_id;
  await api.waitForStatus(executionId, 'completed');
  expect((await api.execution(executionId)).outputs).toEqual({ n: 7 });
  const listed = await api.get('/api/v1/schedules');
  expect(listed.json<{ items: Array<{ workflow_id: string }> }>().items.map((s) => s.workflow_id)).toContain(id);

  const paused = await api.post(`/api/v1/workflows/${id}/schedule/pause`, { note: 'maintenance' });
  expect(paused.statusCode).toBe(200);
  expect(paused.json()).toMatchObject({ paused: true, note: 'maintenance' });
  const before = (await schedule()).recent_runs.length;
  await new Promise((resolve) => setTimeout(resolve, 5000));
  expect((await schedule()).recent_runs.length).toBe(before);

  expect((await api.post(`/api/v1/workflows/${id}/schedule/resume`, {})).json()).toMatchObject({ paused: false });
  await waitFor(async () => ((await schedule()).recent_runs.length > before ? true : undefined), { what: 'a run after resume', timeoutMs: 30_000, intervalMs: 500 });

  // A version without a schedule removes it.
  const { schedule: _removed, ...unscheduled } = definition;
  await api.register({ ...unscheduled, version: 2 });
  expect((await api.get(`/api/v1/workflows/${id}/schedule`)).statusCode).toBe(404);
  expect((await api.post(`/api/v1/workflows/${id}/schedule/pause`, {})).statusCode).toBe(404);
});
