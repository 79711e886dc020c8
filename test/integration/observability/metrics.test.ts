/**
 * `GET /metrics` of the API, scraped and parsed as Prometheus would: requests by route and status,
 * commands by name and outcome, open gates by reason (Temporal visibility of the real dev server), and
 * `execution_id` on the request log lines of an execution route.
 */
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import parsePrometheusTextFormat, { type PrometheusFamily } from 'parse-prometheus-text-format';
import pino from 'pino';
import { buildApp } from '../../../src/api/app';
import { call, startApiContext, type ApiContext } from '../api/api-context';
import { waitFor } from '../harness';

let ctx: ApiContext;

beforeAll(async () => {
  ctx = await startApiContext();
});
afterAll(async () => {
  await ctx?.close();
});

async function scrape(): Promise<PrometheusFamily[]> {
  const res = await ctx.app.inject({ method: 'GET', url: '/metrics' });
  expect(res.statusCode).toBe(200);
  expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
  return parsePrometheusTextFormat(res.body);
}

function sample(families: PrometheusFamily[], name: string, labels: Record<string, string>): number | undefined {
  const family = families.find((f) => f.name === name);
  const found = family?.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));
  return found?.value === undefined ? undefined : Number(found.value);
}

test('requests, commands and open gates are counted and parse as Prometheus text', async () => {
  const id = `metrics-${randomUUID().slice(0, 8)}`;
  const definition = {
    id,
    tasks: [
      { id: 'review', type: 'approval', timeout: '1h', on_approve: { next: 'echo' } },
      { id: 'echo', type: 'basic', tool: 'echo', with: { ok: true } },
    ],
  };
  expect((await call(ctx.app, 'PUT', `/api/v1/workflows/${id}`, { body: definition })).statusCode).toBe(201);
  const started = await call(ctx.app, 'POST', `/api/v1/workflows/${id}/executions`, { body: { input: {} } });
  expect(started.statusCode).toBe(202);
  const executionId = started.json<{ execution_id: string }>().execution_id;
  // A refused command (bad body) and one that applies.
  expect((await call(ctx.app, 'POST', `/api/v1/executions/${executionId}/pause`, { body: { mode: 'sideways' } })).statusCode).toBe(400);
  await call(ctx.app, 'GET', `/api/v1/executions/${executionId}/status`);

  const families = await waitFor(
    async () => {
      const scraped = await scrape();
      return (sample(scraped, 'cadenza_open_gates', { reason: 'approval_required' }) ?? 0) >= 1 ? scraped : undefined;
    },
    { timeoutMs: 30_000, what: 'the approval in cadenza_open_gates', intervalMs: 500 },
  );
  expect(sample(families, 'cadenza_http_requests_total', { method: 'POST', route: '/api/v1/workflows/:id/executions', status: '202' })).toBe(1);
  expect(sample(families, 'cadenza_http_requests_total', { method: 'GET', route: '/api/v1/executions/:id/status', status: '200' })).toBe(1);
  expect(sample(families, 'cadenza_commands_total', { command: 'trigger', outcome: 'applied' })).toBe(1);
  expect(sample(families, 'cadenza_commands_total', { command: 'pause', outcome: 'refused' })).toBe(1);
  const duration = families.find((f) => f.name === 'cadenza_http_request_duration_seconds');
  expect(duration?.type).toBe('HISTOGRAM');
  expect(families.find((f) => f.name === 'cadenza_open_gates')?.type).toBe('GAUGE');
  // Raw URLs never become label values (unbounded cardinality).
  expect(families.flatMap((f) => f.metrics).some((m) => Object.values(m.labels ?? {}).some((v) => v.includes(executionId)))).toBe(false);

  const decided = await call(ctx.app, 'POST', `/api/v1/executions/${executionId}/approvals/review`, { body: { decision: 'approve' } });
  expect(decided.statusCode).toBe(200);
  expect(sample(await scrape(), 'cadenza_commands_total', { command: 'decide', outcome: 'applied' })).toBe(1);
});

test('request log lines of an execution route carry execution_id', async () => {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n').filter((l) => l !== '')) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const app = await buildApp({ config: ctx.config, client: ctx.t.client, definitions: ctx.store, logger: pino({ level: 'info' }, stream) });
  try {
    const executionId = `no-such-${randomUUID()}`;
    const res = await app.inject({ method: 'GET', url: `/api/v1/executions/${executionId}/status` });
    expect(res.statusCode).toBe(404);
    const completed = lines.filter((l) => l.msg === 'request completed');
    expect(completed).toHaveLength(1);
    expect(completed[0]).toMatchObject({ execution_id: executionId });
    await app.inject({ method: 'GET', url: '/healthz' });
    expect(lines.filter((l) => l.msg === 'request completed').at(-1)).not.toHaveProperty('execution_id');
  } finally {
    await app.close();
  }
});
