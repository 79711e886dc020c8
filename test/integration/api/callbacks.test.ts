/**
 * Callback URLs (docs/design.md §9): shown in status, task context and the TaskWaitingStarted /
 * ApprovalRequested events; used without an API key (auth on); the same answer on every later use;
 * 410 after the gate expired or the callback was revoked; 404 for a forged token.
 */
import { startApiContext, type ApiContext } from './api-context';
import { ExecutionDriver } from './execution-driver';

jest.setTimeout(90_000);

const operator = { key: 'ops-callbacks-key-000000001', name: 'ops', permissions: ['*'] };
let ctx: ApiContext;
let api: ExecutionDriver;

beforeAll(async () => {
  ctx = await startApiContext({ apiKeys: [operator] });
  api = new ExecutionDriver(ctx.app, operator.key);
  await api.register({
    id: 'cb-wait',
    tasks: [
      { id: 'ship', type: 'wait', wait_for: 'shipped', resume_schema: { type: 'object', required: ['carrier'] }, on_success: { next: 'notify' } },
      { id: 'notify', type: 'basic', tool: 'echo', with: { carrier: '{{ tasks.ship.output.carrier }}' } },
    ],
    outputs: { carrier: '{{ tasks.notify.output.carrier }}' },
  });
  await api.register({ id: 'cb-short', tasks: [{ id: 'ship', type: 'wait', wait_for: 'shipped', timeout: '1s', on_timeout: { next: 'late' } }, { id: 'late', type: 'basic', tool: 'echo', with: {} }] });
  await api.register({
    id: 'cb-approval',
    tasks: [
      { id: 'approve', type: 'approval', approvers: { roles: ['finance'] }, decision_schema: { type: 'object', required: ['note'] }, on_approve: { next: 'done' }, on_reject: { next: 'done' } },
      { id: 'done', type: 'basic', tool: 'echo', with: { decision: '{{ tasks.approve.output.decision }}' } },
    ],
    outputs: { decision: '{{ tasks.done.output.decision }}' },
  });
});

afterAll(async () => {
  await ctx?.close();
});

/** The callback URL's path as the API serves it. */
function pathOf(url: string): string {
  return new URL(url).pathname;
}

async function waitingUrl(workflowId: string): Promise<{ id: string; url: string }> {
  const id = await api.trigger(workflowId);
  const status = await api.waitForStatus(id, 'paused');
  const url = status.pause?.gates[0]?.data.callback_url;
  expect(typeof url).toBe('string');
  return { id, url: url as string };
}

/** A request with no API key at all. */
function keyless(path: string, body: unknown) {
  return ctx.app.inject({ method: 'POST', url: path, payload: body as object });
}

describe('callback URLs', () => {
  it('a wait task: the URL is in status, task context and TaskWaitingStarted; used without a key; again the same answer', async () => {
    const { id, url } = await waitingUrl('cb-wait');
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:3000\/api\/v1\/callbacks\/[A-Za-z0-9_-]+\.[0-9a-f-]{36}\.[A-Za-z0-9_-]{43}$/);
    expect((await api.taskContext(id, 'ship')).callback_url).toBe(url);
    const started = (await api.events(id)).find((e) => e.type === 'TaskWaitingStarted');
    expect(started?.data.callback_url).toBe(url);

    // The other routes still need a key.
    expect((await keyless(`/api/v1/executions/${id}/resume`, {})).statusCode).toBe(401);
    const invalid = await keyless(pathOf(url), { resume_data: { wrong: true } });
    expect(invalid.statusCode).toBe(422);
    const first = await keyless(pathOf(url), { resume_data: { carrier: 'ups' } });
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ execution_id: id, task_id: 'ship', kind: 'wait', resume_data: { carrier: 'ups' } });
    await api.waitForStatus(id, 'completed');
    expect((await api.execution(id)).outputs).toEqual({ carrier: 'ups' });

    const again = await keyless(pathOf(url), { resume_data: { carrier: 'dhl' } });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual(first.json());
    expect((await api.events(id)).filter((e) => e.type === 'TaskWaitingResumed')).toHaveLength(1);
  });

  it('concurrent uses apply once and all get the same answer', async () => {
    const { id, url } = await waitingUrl('cb-wait');
    const answers = await Promise.all(Array.from({ length: 5 }, (_, i) => keyless(pathOf(url), { resume_data: { carrier: `c${i}` } })));
    expect(answers.map((a) => a.statusCode)).toEqual([200, 200, 200, 200, 200]);
    const bodies = answers.map((a) => a.json<Record<string, unknown>>());
    for (const body of bodies) expect(body).toEqual(bodies[0]);
    await api.waitForStatus(id, 'completed');
    expect((await api.events(id)).filter((e) => e.type === 'TaskWaitingResumed')).toHaveLength(1);
  });

  it('a URL whose gate expired answers 410; resumed another way, 410', async () => {
    const { id, url } = await waitingUrl('cb-short');
    await api.waitForStatus(id, 'completed');
    const res = await keyless(pathOf(url), { resume_data: {} });
    expect(res.statusCode).toBe(410);
    expect(res.json<{ type: string }>().type).toBe('https://cadenza.dev/problems/callback_gone');

    const other = await waitingUrl('cb-wait');
    const resumed = await api.post(`/api/v1/executions/${other.id}/tasks/ship/resume`, { resume_data: { carrier: 'by-api' } });
    expect(resumed.statusCode).toBe(200);
    expect((await keyless(pathOf(other.url), { resume_data: { carrier: 'x' } })).statusCode).toBe(410);
  });

  it('a revoked URL answers 410 and the task keeps waiting', async () => {
    const { id, url } = await waitingUrl('cb-wait');
    const taskExecId = pathOf(url).split('.')[1];
    const revoked = await call('DELETE', `/api/v1/executions/${id}/callbacks/${taskExecId}`);
    expect(revoked.statusCode).toBe(200);
    expect((await keyless(pathOf(url), { resume_data: { carrier: 'x' } })).statusCode).toBe(410);
    const status = await api.status(id);
    expect(status.status).toBe('paused');
    expect(status.pause?.gates[0]?.data.callback_url).toBeNull();
    expect((await call('DELETE', `/api/v1/executions/${id}/callbacks/${taskExecId}`)).statusCode).toBe(409);
  });

  it('an approval: decided through its URL, the token standing in for the approver', async () => {
    const { id, url } = await waitingUrl('cb-approval');
    const requested = (await api.events(id)).find((e) => e.type === 'ApprovalRequested');
    expect(requested?.data.callback_url).toBe(url);
    expect((await keyless(pathOf(url), { decision: 'approve', data: {} })).statusCode).toBe(422);
    const res = await keyless(pathOf(url), { decision: 'approve', comment: 'ok', data: { note: 'fine' } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ kind: 'approval', decision: { decision: 'approve', comment: 'ok', data: { note: 'fine' } } });
    await api.waitForStatus(id, 'completed');
    expect((await api.execution(id)).outputs).toEqual({ decision: 'approve' });
    const decided = (await api.events(id)).find((e) => e.type === 'ApprovalDecided');
    expect(decided?.actor).toBe('callback');
  });

  it('forged or malformed tokens are 404, never 500', async () => {
    const { url } = await waitingUrl('cb-wait');
    const [exec, taskExec] = pathOf(url).replace('/api/v1/callbacks/', '').split('.');
    const forged = `${exec}.${taskExec}.${'A'.repeat(43)}`;
    for (const token of [forged, 'nope', `${exec}.${taskExec}`, `${'x'.repeat(10)}.${taskExec}.${'A'.repeat(43)}`]) {
      const res = await keyless(`/api/v1/callbacks/${token}`, { resume_data: {} });
      expect(res.statusCode).toBe(404);
    }
  });
});

function call(method: 'DELETE', url: string) {
  return ctx.app.inject({ method, url, headers: { authorization: `Bearer ${operator.key}` } });
}
