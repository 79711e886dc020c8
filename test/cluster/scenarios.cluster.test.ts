/**
 * The pause, approval, wait, repair and concurrency scenarios on the cluster (two Temporal server
 * processes on PostgreSQL, two workers, two API nodes), each command sent to the other node than the
 * one that started the execution, so every step crosses nodes.
 */
import { randomUUID } from 'node:crypto';
import { ClusterApi } from './cluster-api';
import { type EffectService, startEffectService } from './effect-service';

const urls = (process.env.CADENZA_CLUSTER_API_URLS ?? '').split(',').filter((u) => u !== '');
const api = new ClusterApi(urls, { retryForMs: 20_000 });
let service: EffectService;
const run = randomUUID().slice(0, 8);

beforeAll(async () => {
  expect(urls).toHaveLength(2);
  service = await startEffectService();
});
afterAll(async () => {
  await service?.close();
});

/** Registers `definition` on node 0 and checks node 1 serves it. */
async function register(definition: Record<string, unknown> & { id: string }): Promise<void> {
  const put = await api.send('PUT', `/api/v1/workflows/${definition.id}`, { body: definition, node: 0 });
  expect({ status: put.status, body: put.status < 300 ? {} : put.body }).toEqual({ status: expect.any(Number), body: {} });
  const read = await api.send('GET', `/api/v1/workflows/${definition.id}`, { node: 1 });
  expect(read.status).toBe(200);
}

async function trigger(workflowId: string, input: Record<string, unknown>, node: number, key?: string): Promise<string> {
  const answer = await api.send('POST', `/api/v1/workflows/${workflowId}/executions`, { body: { input }, node, ...(key ? { key } : {}) });
  expect(answer.status).toBe(202);
  return answer.body.execution_id as string;
}

const count = (types: Array<{ type: string }>, type: string): number => types.filter((e) => e.type === type).length;

test('both API nodes serve one registry and every execution, and the workers of both take tasks', async () => {
  const id = `cluster-echo-${run}`;
  await register({ id, tasks: [{ id: 'say', type: 'basic', tool: 'echo', with: { n: '{{ input.n }}' } }], outputs: { n: '{{ tasks.say.output.n }}' } });
  const ids = await Promise.all(Array.from({ length: 20 }, (_, n) => trigger(id, { n }, n % 2)));
  for (const [n, executionId] of ids.entries()) {
    await api.waitFor(executionId, (s) => s.status === 'completed', 60_000, (n + 1) % 2);
    const read = await api.send('GET', `/api/v1/executions/${executionId}`, { node: n % 2 });
    expect(read.body.outputs).toEqual({ n });
  }
});

test('pause on one node, resume on the other: the breakpoint and the manual pause hold until resumed', async () => {
  const id = `cluster-pause-${run}`;
  await register({
    id,
    tasks: [
      { id: 'first', type: 'basic', tool: 'http', with: { method: 'POST', url: `${service.url}/effect`, body: { step: 'first' } }, on_success: { next: 'second' } },
      { id: 'second', type: 'basic', tool: 'echo', pause_before: true, with: { ok: true }, on_success: { next: 'hold' } },
      { id: 'hold', type: 'wait', wait_for: 'go', timeout: '10m', on_success: { next: 'third' } },
      { id: 'third', type: 'basic', tool: 'echo', with: { ok: true } },
    ],
  });
  const executionId = await trigger(id, {}, 0);
  await api.waitFor(executionId, (s) => s.status === 'paused' && s.pause?.reason === 'breakpoint', 60_000, 1);
  expect((await api.send('POST', `/api/v1/executions/${executionId}/resume`, { body: { mode: 'continue' }, node: 1 })).status).toBe(200);
  const waiting = (s: Awaited<ReturnType<ClusterApi['status']>>): boolean => (s.pause?.gates ?? []).some((g) => g.reason === 'waiting_for_signal');
  await api.waitFor(executionId, waiting, 60_000, 0);
  const paused = await api.send('POST', `/api/v1/executions/${executionId}/pause`, { body: { reason: 'maintenance', mode: 'graceful' }, node: 0 });
  expect(paused.status).toBe(200);
  // The signal arrives while paused by hand: the wait ends, the execution stays paused until resumed.
  expect((await api.send('POST', `/api/v1/executions/${executionId}/signals/go`, { body: { payload: { now: true } }, node: 1 })).status).toBeLessThan(300);
  await api.waitFor(executionId, (s) => s.status === 'paused' && !waiting(s), 30_000, 1);
  await new Promise((r) => setTimeout(r, 1_500));
  expect((await api.status(executionId, 0)).status).toBe('paused');
  expect((await api.send('POST', `/api/v1/executions/${executionId}/resume`, { body: { mode: 'continue' }, node: 1 })).status).toBe(200);
  await api.waitFor(executionId, (s) => s.status === 'completed', 60_000, 0);
  const keys = [...service.effects.keys()].filter((k) => k.startsWith(`${executionId}:`));
  expect(keys).toHaveLength(1);
});

test('an approval is in the inbox of both nodes and decided on the other node', async () => {
  const id = `cluster-approval-${run}`;
  await register({ id, tasks: [{ id: 'review', type: 'approval', timeout: '1h', on_approve: { next: 'done' } }, { id: 'done', type: 'basic', tool: 'echo', with: { ok: true } }] });
  const executionId = await trigger(id, {}, 1);
  for (const node of [0, 1]) {
    const found = await waitForInbox(executionId, node);
    expect(found).toBe(true);
  }
  const decided = await api.send('POST', `/api/v1/executions/${executionId}/approvals/review`, { body: { decision: 'approve', comment: 'cluster' }, node: 0 });
  expect(decided.status).toBe(200);
  await api.waitFor(executionId, (s) => s.status === 'completed', 60_000, 1);
  expect(count(await api.events(executionId, 1), 'ApprovalDecided')).toBe(1);
});

async function waitForInbox(executionId: string, node: number): Promise<boolean> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const inbox = await api.send('GET', '/api/v1/approvals?status=pending', { node });
    if (JSON.stringify(inbox.body).includes(executionId)) return true;
    await new Promise((r) => setTimeout(r, 500));
  }
  return false;
}

test('a wait task is woken by a signal through the other node', async () => {
  const id = `cluster-wait-${run}`;
  await register({
    id,
    tasks: [
      { id: 'ship', type: 'wait', wait_for: 'shipped', timeout: '1h', condition: 'signal.payload.carrier != ""', on_success: { next: 'notify' } },
      { id: 'notify', type: 'basic', tool: 'echo', with: { carrier: '{{ tasks.ship.output.carrier }}' } },
    ],
    outputs: { carrier: '{{ tasks.notify.output.carrier }}' },
  });
  const executionId = await trigger(id, {}, 0);
  await api.waitFor(executionId, (s) => (s.pause?.gates ?? []).some((g) => g.reason === 'waiting_for_signal'), 60_000, 1);
  expect((await api.send('POST', `/api/v1/executions/${executionId}/signals/shipped`, { body: { payload: { carrier: 'ups' } }, node: 1 })).status).toBeLessThan(300);
  await api.waitFor(executionId, (s) => s.status === 'completed', 60_000, 0);
  expect((await api.send('GET', `/api/v1/executions/${executionId}`, { node: 0 })).body.outputs).toEqual({ carrier: 'ups' });
});

test('a failed task pauses; a dry run on one node and the repair (skip with an output) on the other', async () => {
  const id = `cluster-repair-${run}`;
  await register({
    id,
    config: { retry: { maximum_attempts: 1 } },
    tasks: [
      { id: 'charge', type: 'basic', tool: 'http', with: { method: 'POST', url: `${service.url}/refuse`, body: {} }, on_error: { pause: true }, on_success: { next: 'after' } },
      { id: 'after', type: 'basic', tool: 'echo', with: { charged: '{{ tasks.charge.output.id }}' } },
    ],
    outputs: { charged: '{{ tasks.after.output.charged }}' },
  });
  const executionId = await trigger(id, {}, 1);
  await api.waitFor(executionId, (s) => s.status === 'paused' && s.pause?.reason === 'task_failed', 60_000, 0);
  const lacking = await api.send('POST', `/api/v1/executions/${executionId}/resume?dry_run=true`, { body: { mode: 'continue' }, node: 0 });
  expect(lacking.status).toBe(200);
  expect(lacking.body.plan).toMatchObject({ ok: false, missing: [{ task_id: 'charge' }] });
  const plan = await api.send('POST', `/api/v1/executions/${executionId}/resume?dry_run=true`, { body: { mode: 'skip', tasks: { charge: { output: { id: 'manual-1' } } } }, node: 0 });
  expect(plan.status).toBe(200);
  expect(plan.body.plan).toMatchObject({ ok: true });
  const repaired = await api.send('POST', `/api/v1/executions/${executionId}/resume`, { body: { mode: 'skip', tasks: { charge: { output: { id: 'manual-1' } } } }, node: 1 });
  expect(repaired.status).toBe(200);
  await api.waitFor(executionId, (s) => s.status === 'completed', 60_000, 0);
  expect((await api.send('GET', `/api/v1/executions/${executionId}`, { node: 1 })).body.outputs).toEqual({ charged: 'manual-1' });
});

test('concurrency: 40 identical resumes over both nodes apply once; one Idempotency-Key on both nodes starts one execution', async () => {
  const id = `cluster-race-${run}`;
  await register({ id, tasks: [{ id: 'gate', type: 'basic', tool: 'echo', pause_before: true, with: { ok: true } }] });
  const executionId = await trigger(id, {}, 0);
  await api.waitFor(executionId, (s) => s.status === 'paused', 60_000, 1);
  const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => api.send('POST', `/api/v1/executions/${executionId}/resume`, { body: { mode: 'continue' }, node: i % 2 })));
  const statuses = answers.map((a) => a.status);
  expect(statuses.filter((s) => s === 200)).toHaveLength(1);
  expect(statuses.filter((s) => s === 409)).toHaveLength(39);
  await api.waitFor(executionId, (s) => s.status === 'completed', 60_000, 0);
  expect(count(await api.events(executionId), 'WorkflowExecutionResumed')).toBe(1);

  const key = `race-${run}`;
  const started = await Promise.all(Array.from({ length: 10 }, (_, i) => trigger(id, {}, i % 2, key)));
  expect(new Set(started).size).toBe(1);
});
