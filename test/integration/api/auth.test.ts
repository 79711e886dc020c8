/**
 * Authentication and authorization (docs/design.md §7): the full endpoint × permission matrix, table-driven,
 * through `app.inject`; key presentation (Bearer, X-API-Key); open endpoints; and over real HTTP,
 * a server with keys and the refusal to listen on a network without them.
 */
import { randomUUID } from 'node:crypto';
import type { InjectOptions } from 'fastify';
import { allPermissions, type Permission } from '../../../src/auth/permissions';
import { ConfigError, loadConfig } from '../../../src/config';
import { DefinitionStore } from '../../../src/definitions/store';
import { startServer } from '../../../src/server';
import { waitFor } from '../harness';
import { call, expectProblem, sampleDefinition, startApiContext, type ApiContext } from './api-context';

jest.setTimeout(90_000);

const GHOST = 'ghost-00000000-0000-4000-8000-000000000000';

interface Endpoint {
  method: InjectOptions['method'];
  /** As the OpenAPI document names it. */
  route: string;
  url: string;
  permission: Permission;
  body?: unknown;
}

/** Every API v1 endpoint and the permission it needs. */
const endpoints: Endpoint[] = [
  { method: 'GET', route: '/api/v1/workflows', url: '/api/v1/workflows', permission: 'workflows:read' },
  { method: 'GET', route: '/api/v1/workflows/{id}', url: '/api/v1/workflows/auth-sample', permission: 'workflows:read' },
  { method: 'POST', route: '/api/v1/workflows/validate', url: '/api/v1/workflows/validate', permission: 'workflows:read', body: sampleDefinition('auth-validate') },
  { method: 'PUT', route: '/api/v1/workflows/{id}', url: '/api/v1/workflows/auth-sample', permission: 'workflows:write', body: sampleDefinition('auth-sample') },
  { method: 'POST', route: '/api/v1/workflows/{id}/executions', url: '/api/v1/workflows/auth-sample/executions', permission: 'executions:trigger', body: { input: { n: 1 } } },
  { method: 'GET', route: '/api/v1/executions', url: '/api/v1/executions', permission: 'executions:read' },
  { method: 'GET', route: '/api/v1/executions', url: '/api/v1/executions?awaiting=me', permission: 'executions:read' },
  { method: 'GET', route: '/api/v1/executions/{id}', url: `/api/v1/executions/${GHOST}`, permission: 'executions:read' },
  { method: 'GET', route: '/api/v1/executions/{id}/status', url: `/api/v1/executions/${GHOST}/status`, permission: 'executions:read' },
  { method: 'GET', route: '/api/v1/executions/{id}/events', url: `/api/v1/executions/${GHOST}/events`, permission: 'executions:read' },
  { method: 'GET', route: '/api/v1/executions/{id}/tasks/{taskId}/context', url: `/api/v1/executions/${GHOST}/tasks/echo/context`, permission: 'executions:read' },
  { method: 'POST', route: '/api/v1/executions/{id}/cancel', url: `/api/v1/executions/${GHOST}/cancel`, permission: 'execution:cancel' },
  { method: 'POST', route: '/api/v1/executions/{id}/pause', url: `/api/v1/executions/${GHOST}/pause`, permission: 'execution:pause', body: { reason: 'r' } },
  { method: 'POST', route: '/api/v1/executions/{id}/resume', url: `/api/v1/executions/${GHOST}/resume`, permission: 'execution:resume', body: {} },
  { method: 'POST', route: '/api/v1/executions/{id}/resume', url: `/api/v1/executions/${GHOST}/resume?dry_run=true`, permission: 'execution:resume', body: {} },
  { method: 'POST', route: '/api/v1/executions/{id}/tasks/{taskId}/resume', url: `/api/v1/executions/${GHOST}/tasks/wait/resume`, permission: 'execution:resume', body: { resume_data: {} } },
  { method: 'POST', route: '/api/v1/executions/{id}/approvals/{taskId}', url: `/api/v1/executions/${GHOST}/approvals/approve`, permission: 'approvals:decide', body: { decision: 'approve' } },
  { method: 'POST', route: '/api/v1/executions/{id}/signals/{name}', url: `/api/v1/executions/${GHOST}/signals/shipped`, permission: 'execution:signal', body: { payload: {} } },
  { method: 'GET', route: '/api/v1/approvals', url: '/api/v1/approvals?status=pending', permission: 'approvals:decide' },
  { method: 'GET', route: '/api/v1/executions/{id}/stream', url: `/api/v1/executions/${GHOST}/stream`, permission: 'executions:read' },
  // A query it refuses (400) after authorization, so an allowed caller gets an answer instead of a live stream.
  { method: 'GET', route: '/api/v1/approvals/stream', url: '/api/v1/approvals/stream?after=1', permission: 'approvals:decide' },
  // Events in, callbacks, bulk, schedules (docs/design.md §9).
  { method: 'POST', route: '/api/v1/events', url: '/api/v1/events', permission: 'events:publish', body: { name: 'auth.nothing', payload: {} } },
  { method: 'DELETE', route: '/api/v1/executions/{id}/callbacks/{taskExecId}', url: `/api/v1/executions/${GHOST}/callbacks/wait-1`, permission: 'execution:resume' },
  // A bulk operation needs the permission of its action.
  { method: 'POST', route: '/api/v1/executions/bulk', url: '/api/v1/executions/bulk', permission: 'execution:pause', body: { action: 'pause', ids: [GHOST], dry_run: true } },
  { method: 'POST', route: '/api/v1/executions/bulk', url: '/api/v1/executions/bulk', permission: 'execution:cancel', body: { action: 'cancel', ids: [GHOST], dry_run: true } },
  { method: 'GET', route: '/api/v1/bulk/{bulkId}', url: '/api/v1/bulk/cadenza-bulk-ghost', permission: 'executions:read' },
  { method: 'GET', route: '/api/v1/schedules', url: '/api/v1/schedules', permission: 'workflows:read' },
  { method: 'GET', route: '/api/v1/workflows/{id}/schedule', url: '/api/v1/workflows/auth-sample/schedule', permission: 'workflows:read' },
  { method: 'POST', route: '/api/v1/workflows/{id}/schedule/pause', url: '/api/v1/workflows/auth-sample/schedule/pause', permission: 'workflows:write' },
  { method: 'POST', route: '/api/v1/workflows/{id}/schedule/resume', url: '/api/v1/workflows/auth-sample/schedule/resume', permission: 'workflows:write' },
];

/** Endpoints a caller uses without any key: a callback URL is its own credential. */
const keyless: Array<Omit<Endpoint, 'permission'>> = [{ method: 'POST', route: '/api/v1/callbacks/{token}', url: '/api/v1/callbacks/forged.token.value', body: { resume_data: {} } }];

/** Endpoints that need a valid key and no permission beyond it. */
const keyOnly: Array<Omit<Endpoint, 'permission'>> = [{ method: 'GET', route: '/api/v1/me', url: '/api/v1/me' }];

/** workflows:write comes with workflows:read. */
const implies = (q: Permission, p: Permission) => q === 'workflows:write' && p === 'workflows:read';

/** One key per permission holding only it, and one per permission holding every other (and none implying it). */
const only = (p: Permission) => `only-${p.replace(':', '-')}-0123456789`;
const allBut = (p: Permission) => `all-but-${p.replace(':', '-')}-0123456789`;
const keys = [
  ...allPermissions.map((p) => ({ key: only(p), name: `only-${p.replace(':', '-')}`, permissions: [p] })),
  ...allPermissions.map((p) => ({ key: allBut(p), name: `all-but-${p.replace(':', '-')}`, permissions: allPermissions.filter((q) => q !== p && !implies(q, p)) })),
  { key: 'operator-key-0123456789', name: 'operator', permissions: ['*'] },
];

let ctx: ApiContext;

beforeAll(async () => {
  ctx = await startApiContext({ apiKeys: keys });
});

afterAll(async () => {
  await ctx?.close();
});

function send(endpoint: Endpoint, headers: Record<string, string> = {}) {
  return call(ctx.app, endpoint.method, endpoint.url, { ...(endpoint.body === undefined ? {} : { body: endpoint.body }), headers });
}

describe('the endpoint × permission matrix', () => {
  it('lists every API route of the OpenAPI document', async () => {
    const doc = (await ctx.app.inject({ method: 'GET', url: '/docs/json' })).json<{ paths: Record<string, Record<string, unknown>> }>();
    const documented = Object.entries(doc.paths)
      .filter(([path]) => path.startsWith('/api/'))
      .flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`))
      .sort();
    const covered = [...new Set([...endpoints, ...keyOnly, ...keyless].map((e) => `${String(e.method)} ${e.route}`))].sort();
    expect(covered).toEqual(documented);
  });

  describe.each(endpoints)('$method $url', (endpoint) => {
    it(`needs a key: 401 without one or with an unknown one`, async () => {
      const none = await send(endpoint);
      expectProblem(none, 401, 'unauthenticated');
      expect(none.headers['www-authenticate']).toBe('Bearer realm="cadenza"');
      expectProblem(await send(endpoint, { authorization: 'Bearer not-a-configured-key-000' }), 401, 'unauthenticated');
    });

    it(`needs ${endpoint.permission}: 403 with every other permission, allowed with only it`, async () => {
      const denied = await send(endpoint, { authorization: `Bearer ${allBut(endpoint.permission)}` });
      expect(expectProblem(denied, 403, 'forbidden')).toMatchObject({ required_permission: endpoint.permission, actor: `all-but-${endpoint.permission.replace(':', '-')}` });
      const allowed = await send(endpoint, { authorization: `Bearer ${only(endpoint.permission)}` });
      expect([401, 403]).not.toContain(allowed.statusCode);
      expect(allowed.statusCode).toBeLessThan(500);
      const operator = await send(endpoint, { 'x-api-key': 'operator-key-0123456789' });
      expect([401, 403]).not.toContain(operator.statusCode);
    });
  });
});

describe.each(keyOnly)('$method $url', (endpoint) => {
  it('needs a valid key, and any valid key may use it', async () => {
    expectProblem(await call(ctx.app, endpoint.method, endpoint.url), 401, 'unauthenticated');
    expectProblem(await call(ctx.app, endpoint.method, endpoint.url, { key: 'not-a-configured-key-000' }), 401, 'unauthenticated');
    for (const p of allPermissions) expect((await call(ctx.app, endpoint.method, endpoint.url, { key: only(p) })).statusCode).toBe(200);
  });
});

describe.each(keyless)('$method $url', (endpoint) => {
  it('needs no key: answered on its own terms (a forged token is 404), never 401', async () => {
    const answer = await call(ctx.app, endpoint.method, endpoint.url, { body: endpoint.body });
    expect(expectProblem(answer, 404, 'callback_not_found')).toBeDefined();
  });
});

describe('presenting a key', () => {
  const list: Endpoint = { method: 'GET', route: '/api/v1/executions', url: '/api/v1/executions', permission: 'executions:read' };

  it('accepts Bearer (any case) and X-API-Key; refuses malformed or conflicting headers', async () => {
    const key = only('executions:read');
    expect((await send(list, { authorization: `bearer ${key}` })).statusCode).toBe(200);
    expect((await send(list, { 'x-api-key': key })).statusCode).toBe(200);
    expect((await send(list, { authorization: `Bearer ${key}`, 'x-api-key': key })).statusCode).toBe(200);
    expectProblem(await send(list, { authorization: `Basic ${Buffer.from(`u:${key}`).toString('base64')}` }), 401, 'unauthenticated');
    expectProblem(await send(list, { authorization: 'Bearer' }), 401, 'unauthenticated');
    expectProblem(await send(list, { authorization: `Bearer ${key}`, 'x-api-key': 'operator-key-0123456789' }), 401, 'unauthenticated');
    expectProblem(await send(list, { authorization: `Bearer ${key.slice(0, -1)}` }), 401, 'unauthenticated');
  });

  it('workflows:write implies workflows:read', async () => {
    const res = await send({ ...list, url: '/api/v1/workflows' }, { authorization: `Bearer ${only('workflows:write')}` });
    expect(res.statusCode).toBe(200);
  });

  it('keeps /healthz, /readyz and /docs open; unknown /api/ routes need a key before they are 404', async () => {
    expect((await ctx.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    await waitFor(async () => (await ctx.app.inject({ method: 'GET', url: '/readyz' })).statusCode === 200, { what: 'readiness' });
    expect((await ctx.app.inject({ method: 'GET', url: '/docs/json' })).statusCode).toBe(200);
    expect((await ctx.app.inject({ method: 'GET', url: '/docs' })).statusCode).toBe(200);
    expectProblem(await ctx.app.inject({ method: 'GET', url: '/api/v1/nothing' }), 401, 'unauthenticated');
    expectProblem(await send({ ...list, url: '/api/v1/nothing' }, { 'x-api-key': 'operator-key-0123456789' }), 404, 'route_not_found');
  });

  it('records the caller as the actor of what it starts', async () => {
    const put = await send(endpoints[3]!, { authorization: 'Bearer operator-key-0123456789' });
    expect([200, 201]).toContain(put.statusCode);
    const res = await send(endpoints[4]!, { authorization: `Bearer ${only('executions:trigger')}` });
    expect(res.statusCode).toBe(202);
    const id = res.json<{ execution_id: string }>().execution_id;
    const events = await waitFor(async () => {
      const page = await call(ctx.app, 'GET', `/api/v1/executions/${id}/events`, { key: 'operator-key-0123456789' });
      return page.statusCode === 200 ? page.json<{ events: Array<{ type: string; data: Record<string, unknown> }> }>().events : undefined;
    });
    expect(events[0]).toMatchObject({ type: 'WorkflowExecutionStarted', data: { trigger: { source: 'api', actor: 'only-executions-trigger' } } });
  });
});

describe('over HTTP', () => {
  it('serves an API with keys: 401 without, 200 with; /healthz open', async () => {
    const config = loadConfig({
      CADENZA_TASK_QUEUE: ctx.taskQueue,
      TEMPORAL_ADDRESS: ctx.t.address,
      TEMPORAL_NAMESPACE: ctx.t.namespace,
      LOG_LEVEL: 'silent',
      CADENZA_API_KEYS: JSON.stringify([{ key: 'http-key-0123456789abc', name: 'http', permissions: ['executions:read'] }]),
    });
    const definitions = new DefinitionStore({ client: ctx.t.client, taskQueue: ctx.taskQueue, registryId: `registry-${randomUUID()}` });
    const server = await startServer(config, { port: 0, definitions });
    try {
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
      const anonymous = await fetch(`${server.url}/api/v1/executions`);
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(anonymous.headers.get('www-authenticate')).toBe('Bearer realm="cadenza"');
      const ok = await fetch(`${server.url}/api/v1/executions`, { headers: { authorization: 'Bearer http-key-0123456789abc' } });
      expect(ok.status).toBe(200);
      const forbidden = await fetch(`${server.url}/api/v1/executions/${GHOST}/pause`, {
        method: 'POST',
        headers: { authorization: 'Bearer http-key-0123456789abc', 'content-type': 'application/json' },
        body: '{}',
      });
      expect(forbidden.status).toBe(403);
    } finally {
      await server.close();
    }
  });

  it('refuses to listen on a non-loopback address without keys, in one line, before connecting', async () => {
    const config = loadConfig({ CADENZA_HOST: '0.0.0.0', TEMPORAL_ADDRESS: '127.0.0.1:1', LOG_LEVEL: 'silent' });
    const attempt = startServer(config, { port: 0 });
    await expect(attempt).rejects.toThrow(ConfigError);
    await expect(attempt).rejects.toThrow(/^refusing to listen on 0\.0\.0\.0 without API keys: [^\n]+$/);
  });
});
