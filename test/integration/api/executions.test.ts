/**
 * Execution API against a real Temporal server and a real Cadenza worker: trigger (input validation,
 * versions, idempotency), list (visibility filters and paging), reads (state, status, events, task
 * context), cancel, and every refused request as problem+json.
 */
import { LOCAL_WORKFLOW_TASK_TIMEOUT_SECONDS, waitFor, workflowTaskTimeoutSeconds } from '../harness';
import { expectProblem, sampleDefinition, startApiContext, type ApiContext } from './api-context';

// The project's testTimeout does not reach test files (Jest reads it globally only).
jest.setTimeout(60_000);

let ctx: ApiContext;

beforeAll(async () => {
  ctx = await startApiContext({ env: { API_TEST_REGION: 'eu-west' } });
  await register(sampleDefinition('adder'));
  await register({ id: 'sleepy', tasks: [{ id: 'nap', type: 'basic', tool: 'sleep', with: { ms: '{{ input.ms }}' } }] });
  await register({ id: 'no-input', tasks: [{ id: 'hello', type: 'basic', tool: 'echo', local: true, with: { region: '{{ env.API_TEST_REGION }}' } }], outputs: { region: '{{ tasks.hello.output.region }}' } });
});

afterAll(async () => {
  await ctx?.close();
});

async function register(definition: Record<string, unknown>): Promise<void> {
  const res = await ctx.app.inject({ method: 'PUT', url: `/api/v1/workflows/${String(definition.id)}`, payload: definition });
  expect([200, 201]).toContain(res.statusCode);
}

function trigger(workflowId: string, payload?: unknown, headers: Record<string, string> = {}) {
  return ctx.app.inject({
    method: 'POST',
    url: `/api/v1/workflows/${workflowId}/executions`,
    ...(payload === undefined ? {} : { payload: payload as string }),
    headers,
  });
}

async function statusOf(executionId: string): Promise<string> {
  const res = await ctx.app.inject({ method: 'GET', url: `/api/v1/executions/${executionId}/status` });
  expect(res.statusCode).toBe(200);
  return res.json().status as string;
}

async function waitForStatus(executionId: string, status: string): Promise<void> {
  await waitFor(async () => (await statusOf(executionId)) === status, { what: `${executionId} ${status}`, timeoutMs: 20_000 });
}

describe('trigger and read', () => {
  it('starts an execution (202) and serves its state, status, events and task context', async () => {
    const res = await trigger('adder', { input: { n: 41 } });
    expect(res.statusCode).toBe(202);
    const body = res.json();
    expect(body).toMatchObject({ workflow_id: 'adder', workflow_version: 1, status: 'running' });
    expect(body.execution_id).toMatch(/^adder-[0-9a-f-]{36}$/);
    expect(res.headers.location).toBe(`/api/v1/executions/${body.execution_id}`);
    expect(res.headers['idempotent-replayed']).toBeUndefined();
    expect(body.links).toEqual({
      self: `/api/v1/executions/${body.execution_id}`,
      status: `/api/v1/executions/${body.execution_id}/status`,
      events: `/api/v1/executions/${body.execution_id}/events`,
      cancel: `/api/v1/executions/${body.execution_id}/cancel`,
      pause: `/api/v1/executions/${body.execution_id}/pause`,
      resume: `/api/v1/executions/${body.execution_id}/resume`,
    });
    await waitForStatus(body.execution_id, 'completed');

    const state = await ctx.app.inject({ method: 'GET', url: `/api/v1/executions/${body.execution_id}` });
    expect(state.statusCode).toBe(200);
    expect(state.json()).toMatchObject({
      execution_id: body.execution_id,
      workflow_id: 'adder',
      workflow_version: 1,
      status: 'completed',
      input: { n: 41 },
      outputs: { n: 41 },
      pause: null,
      tasks: [expect.objectContaining({ task_id: 'echo', status: 'succeeded', output: { n: 41 } })],
    });

    const status = await ctx.app.inject({ method: 'GET', url: `/api/v1/executions/${body.execution_id}/status` });
    expect(status.json()).toMatchObject({ execution_id: body.execution_id, status: 'completed', pause: null, active_tasks: [] });

    const events = await ctx.app.inject({ method: 'GET', url: `/api/v1/executions/${body.execution_id}/events` });
    expect(events.statusCode).toBe(200);
    const all = events.json().events as Array<{ seq: number; type: string }>;
    expect(all[0]).toMatchObject({ seq: 1, type: 'WorkflowExecutionStarted', execution_id: body.execution_id });
    expect(all.at(-1)?.type).toBe('WorkflowExecutionSuccess');

    const page = await ctx.app.inject({ method: 'GET', url: `/api/v1/executions/${body.execution_id}/events?after=1&limit=2` });
    expect(page.json<{ events: Array<{ seq: number }> }>().events.map((e) => e.seq)).toEqual([2, 3]);
    expect(page.json().has_more).toBe(true);

    const context = await ctx.app.inject({ method: 'GET', url: `/api/v1/executions/${body.execution_id}/tasks/echo/context` });
    expect(context.statusCode).toBe(200);
    expect(context.json()).toMatchObject({ task_id: 'echo', input: { n: 41 }, output: { n: 41 }, attempts: 1, runs: [expect.any(Object)] });

    const missingTask = await ctx.app.inject({ method: 'GET', url: `/api/v1/executions/${body.execution_id}/tasks/nothere/context` });
    expect(expectProblem(missingTask, 404, 'task_not_found')).toMatchObject({ execution_id: body.execution_id, task_id: 'nothere' });
  });

  it('accepts a trigger without a body and passes only allow-listed env to templates', async () => {
    process.env.API_TEST_SECRET = 'not-for-templates';
    const res = await trigger('no-input');
    expect(res.statusCode).toBe(202);
    const id = res.json().execution_id as string;
    await waitForStatus(id, 'completed');
    const state = await ctx.app.inject({ method: 'GET', url: `/api/v1/executions/${id}` });
    expect(state.json().outputs).toEqual({ region: 'eu-west' });
    // A local: true task: the execution starts with the short workflow task timeout (docs/design.md §13).
    expect(await workflowTaskTimeoutSeconds(ctx.t.client.workflow.getHandle(id))).toBe(LOCAL_WORKFLOW_TASK_TIMEOUT_SECONDS);
    const context = await ctx.app.inject({ method: 'GET', url: `/api/v1/executions/${id}/tasks/hello/context` });
    expect(JSON.stringify(context.json())).not.toContain('not-for-templates');
    delete process.env.API_TEST_SECRET;
  });

  it('runs a requested version, not the latest', async () => {
    await register(sampleDefinition('versions', { description: 'v1' }));
    await register(sampleDefinition('versions', { description: 'v2' }));
    const res = await trigger('versions', { input: { n: 1 }, version: 1 });
    expect(res.json()).toMatchObject({ workflow_version: 1 });
    const latest = await trigger('versions', { input: { n: 1 } });
    expect(latest.json()).toMatchObject({ workflow_version: 2 });
  });
});

describe('idempotent trigger', () => {
  it('returns the same execution for a replay while running and after completion', async () => {
    const key = `order-${Date.now()}`;
    const first = await trigger('sleepy', { input: { ms: 1500 } }, { 'idempotency-key': key });
    expect(first.statusCode).toBe(202);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    const id = first.json().execution_id as string;

    const replay = await trigger('sleepy', { input: { ms: 1500 } }, { 'idempotency-key': key });
    expect(replay.statusCode).toBe(202);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.json()).toMatchObject({ execution_id: id, status: 'running', workflow_id: 'sleepy', workflow_version: 1 });

    await waitForStatus(id, 'completed');
    const after = await trigger('sleepy', { input: { ms: 1500 } }, { 'idempotency-key': key });
    expect(after.statusCode).toBe(202);
    expect(after.headers['idempotent-replayed']).toBe('true');
    expect(after.json()).toMatchObject({ execution_id: id, status: 'completed' });
  });

  it('refuses the same key with a different body: 422 idempotency_key_reused', async () => {
    const key = `reuse-${Date.now()}`;
    const first = await trigger('adder', { input: { n: 1 } }, { 'idempotency-key': key });
    expect(first.statusCode).toBe(202);
    const other = await trigger('adder', { input: { n: 2 } }, { 'idempotency-key': key });
    expect(expectProblem(other, 422, 'idempotency_key_reused')).toMatchObject({ execution_id: first.json().execution_id, idempotency_key: key });
  });

  it('scopes keys per definition', async () => {
    const key = `scoped-${Date.now()}`;
    const a = await trigger('adder', { input: { n: 1 } }, { 'idempotency-key': key });
    const b = await trigger('no-input', undefined, { 'idempotency-key': key });
    expect(a.json().execution_id).not.toBe(b.json().execution_id);
    expect(b.headers['idempotent-replayed']).toBeUndefined();
  });

  it('refuses a malformed key: 400 validation_error on headers.idempotency-key', async () => {
    const res = await trigger('adder', { input: { n: 1 } }, { 'idempotency-key': 'x'.repeat(300) });
    expect(expectProblem(res, 400, 'validation_error').errors).toEqual([{ path: 'headers.idempotency-key', message: expect.any(String) }]);
  });
});

describe('cancel', () => {
  it('cancels a running execution (202), then refuses with 409 execution_closed', async () => {
    const started = await trigger('sleepy', { input: { ms: 60_000 } });
    const id = started.json().execution_id as string;
    await waitFor(async () => (await ctx.app.inject({ method: 'GET', url: `/api/v1/executions/${id}` })).json().tasks?.[0]?.status === 'running', {
      what: 'task running',
    });
    const res = await ctx.app.inject({ method: 'POST', url: `/api/v1/executions/${id}/cancel` });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({ execution_id: id, status: 'running', cancel_requested: true });
    await waitForStatus(id, 'cancelled');

    const again = await ctx.app.inject({ method: 'POST', url: `/api/v1/executions/${id}/cancel` });
    expect(expectProblem(again, 409, 'execution_closed')).toMatchObject({ execution_id: id, execution_status: 'cancelled' });
  });
});

describe('list', () => {
  let ids: string[];

  beforeAll(async () => {
    await register({ id: 'listed', tasks: [{ id: 'hello', type: 'basic', tool: 'echo', with: {} }] });
    ids = [];
    for (let i = 0; i < 3; i += 1) ids.push((await trigger('listed')).json().execution_id as string);
    for (const id of ids) await waitForStatus(id, 'completed');
    await waitFor(
      async () => {
        const res = await ctx.app.inject({ method: 'GET', url: '/api/v1/executions?workflow=listed&status=completed' });
        return res.json().items.length === 3;
      },
      { what: 'visibility to catch up', timeoutMs: 20_000 },
    );
  });

  it('filters by definition and status', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/api/v1/executions?workflow=listed&status=completed' });
    expect(res.statusCode).toBe(200);
    const items = res.json().items as Array<Record<string, unknown>>;
    expect(items.map((i) => i.execution_id).sort()).toEqual([...ids].sort());
    expect(items[0]).toEqual({
      execution_id: expect.any(String),
      workflow_id: 'listed',
      workflow_version: 1,
      status: 'completed',
      awaiting: [],
      started_at: expect.any(String),
      closed_at: expect.any(String),
    });
    const running = await ctx.app.inject({ method: 'GET', url: '/api/v1/executions?workflow=listed&status=running' });
    expect(running.json().items).toEqual([]);
  });

  it('pages with page_size and next_page_token', async () => {
    const seen: string[] = [];
    let token: string | null = null;
    let pages = 0;
    do {
      const url: string = `/api/v1/executions?workflow=listed&page_size=2${token ? `&page_token=${token}` : ''}`;
      const res = await ctx.app.inject({ method: 'GET', url });
      expect(res.statusCode).toBe(200);
      const body = res.json<{ items: Array<{ execution_id: string }>; next_page_token: string | null }>();
      expect(body.items.length).toBeLessThanOrEqual(2);
      seen.push(...body.items.map((i) => i.execution_id));
      token = body.next_page_token;
      pages += 1;
    } while (token && pages < 5);
    expect(pages).toBeGreaterThanOrEqual(2);
    expect(seen.sort()).toEqual([...ids].sort());
  });

  it('refuses bad parameters with 400 validation_error naming them', async () => {
    const cases: Array<[string, string]> = [
      ['page_size=0', 'query.page_size'],
      ['page_size=1001', 'query.page_size'],
      ['page_size=ten', 'query.page_size'],
      ['status=sleeping', 'query.status'],
      ['workflow=Bad!', 'query.workflow'],
      ['page_token=not%20a%20token', 'query.page_token'],
      ['colour=blue', 'query'],
      ['awaiting=you', 'query.awaiting'],
    ];
    for (const [query, path] of cases) {
      const res = await ctx.app.inject({ method: 'GET', url: `/api/v1/executions?${query}` });
      expect(expectProblem(res, 400, 'validation_error').errors[0]?.path).toBe(path);
    }
  });

  it('refuses a page token that is not one of ours, or was issued for other filters, with 400 validation_error', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/api/v1/executions?page_token=Zm9vYmFy' });
    expect(expectProblem(res, 400, 'validation_error').errors[0]?.path).toBe('query.page_token');
    const first = await ctx.app.inject({ method: 'GET', url: '/api/v1/executions?workflow=listed&page_size=1' });
    const token = first.json().next_page_token as string;
    expect(token).toEqual(expect.any(String));
    const other = await ctx.app.inject({ method: 'GET', url: `/api/v1/executions?workflow=adder&page_size=1&page_token=${token}` });
    expect(expectProblem(other, 400, 'validation_error').errors[0]?.path).toBe('query.page_token');
  });
});

describe('refused requests', () => {
  it('input not matching the input schema → 422 input_invalid with paths', async () => {
    const res = await trigger('adder', { input: { n: 'forty', extra: true } });
    const problem = expectProblem(res, 422, 'input_invalid');
    expect(problem.workflow_id).toBe('adder');
    expect(problem.errors).toEqual(
      expect.arrayContaining([
        { path: 'n', message: expect.any(String) },
        { path: 'extra', message: 'is not allowed' },
      ]),
    );
    const missing = await trigger('adder', { input: {} });
    expect(expectProblem(missing, 422, 'input_invalid').errors).toEqual([{ path: 'n', message: 'is required' }]);
  });

  it('unknown definition or version → 404 workflow_not_found', async () => {
    expectProblem(await trigger('ghost', { input: {} }), 404, 'workflow_not_found');
    expect(expectProblem(await trigger('adder', { input: { n: 1 }, version: 9 }), 404, 'workflow_not_found')).toMatchObject({ version: 9 });
  });

  it('unknown body fields and wrong types → 400 validation_error', async () => {
    expect(expectProblem(await trigger('adder', { input: { n: 1 }, inputs: {} }), 400, 'validation_error').errors[0]?.path).toBe('body');
    expect(expectProblem(await trigger('adder', { input: { n: 1 }, version: 'latest' }), 400, 'validation_error').errors[0]?.path).toBe('body.version');
    expect(expectProblem(await trigger('adder', [1, 2]), 400, 'validation_error').errors[0]?.path).toBe('body');
  });

  it('malformed JSON → 400 malformed_body', async () => {
    expectProblem(await trigger('adder', '{"input": ', { 'content-type': 'application/json' }), 400, 'malformed_body');
  });

  it('unknown or malformed execution ids → 404 execution_not_found', async () => {
    for (const id of ['adder-00000000-0000-4000-8000-000000000000', 'not-an-execution', ctx.registryId]) {
      for (const suffix of ['', '/status', '/events', '/tasks/echo/context']) {
        const res = await ctx.app.inject({ method: 'GET', url: `/api/v1/executions/${id}${suffix}` });
        expect(expectProblem(res, 404, 'execution_not_found').execution_id).toBe(id);
      }
      expectProblem(await ctx.app.inject({ method: 'POST', url: `/api/v1/executions/${id}/cancel` }), 404, 'execution_not_found');
    }
  });

  it('bad events parameters and task ids → 400 validation_error', async () => {
    const id = 'adder-00000000-0000-4000-8000-000000000000';
    for (const [query, path] of [
      ['after=-1', 'query.after'],
      ['limit=0', 'query.limit'],
      ['limit=x', 'query.limit'],
    ]) {
      const res = await ctx.app.inject({ method: 'GET', url: `/api/v1/executions/${id}/events?${query}` });
      expect(expectProblem(res, 400, 'validation_error').errors[0]?.path).toBe(path);
    }
    const badTask = await ctx.app.inject({ method: 'GET', url: `/api/v1/executions/${id}/tasks/9bad/context` });
    expect(expectProblem(badTask, 400, 'validation_error').errors[0]?.path).toBe('params.taskId');
  });
});
