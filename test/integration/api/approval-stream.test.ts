/**
 * `GET /api/v1/approvals/stream` over real HTTP against a real Temporal dev server: the caller's
 * inbox as server-sent events — the whole inbox first, then a new `inbox` event when an approval
 * arrives and when it is decided elsewhere; another caller's stream never shows it; problems
 * (401, 403, 400, 503 past the stream cap) before the stream starts; closing the app ends open streams.
 */
import { randomUUID } from 'node:crypto';
import { buildApp, type CadenzaApp } from '../../../src/api/app';
import { StreamRegistry } from '../../../src/api/sse/stream-registry';
import { loadConfig } from '../../../src/config';
import { DefinitionStore } from '../../../src/definitions/store';
import { ExecutionService } from '../../../src/executions/execution-service';
import { connectTestClient, startTestWorker, type TestClient, type TestWorker, waitFor } from '../harness';
import { tools } from '../fixtures/test-tools';
import { call } from './api-context';
import { ExecutionDriver } from './execution-driver';
import { SseClient } from './sse-client';

const keys = {
  ops: { key: 'ops-key-0123456789abcdef00', name: 'ops', permissions: ['*'] },
  alice: { key: 'alice-key-0123456789abcdef', name: 'alice', permissions: ['approvals:decide'], roles: ['finance'] },
  carol: { key: 'carol-key-0123456789abcdef', name: 'carol', permissions: ['approvals:decide'], roles: ['sales'] },
  reader: { key: 'reader-key-0123456789abcde', name: 'reader', permissions: ['executions:read'] },
};

let t: TestClient;
let w: TestWorker;
let app: CadenzaApp;
let base: string;
let api: ExecutionDriver;

interface InboxEvent {
  items: Array<{ execution_id: string; task_id: string; decision_schema: unknown; context: Record<string, unknown> | null; links: { decide: string } }>;
  unavailable: unknown[];
}

async function startApp(maxStreams: number): Promise<CadenzaApp> {
  const taskQueue = w.taskQueue;
  const config = loadConfig({ CADENZA_TASK_QUEUE: taskQueue, TEMPORAL_NAMESPACE: t.namespace, LOG_LEVEL: 'silent', CADENZA_API_KEYS: JSON.stringify(Object.values(keys)) });
  const definitions = new DefinitionStore({ client: t.client, taskQueue, registryId: `registry-${randomUUID()}` });
  const executions = new ExecutionService({ client: t.client, definitions, config });
  const built = await buildApp({ config, client: t.client, definitions, executions, streams: new StreamRegistry({ maxStreams }) });
  await built.listen({ host: '127.0.0.1', port: 0 });
  return built;
}

beforeAll(async () => {
  t = await connectTestClient();
  w = await startTestWorker({ taskQueue: `inbox-stream-${randomUUID()}`, tools });
  app = await startApp(3);
  base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  api = new ExecutionDriver(app, keys.ops.key);
  await api.register({
    id: 'stream-approval',
    tasks: [
      {
        id: 'review',
        type: 'approval',
        approvers: { roles: ['finance'] },
        message: 'Order {{ input.order }}',
        decision_schema: { type: 'object', properties: { note: { type: 'string' } } },
        on_approve: { next: 'done' },
      },
      { id: 'done', type: 'basic', tool: 'record', with: { ok: true } },
    ],
  });
});

afterAll(async () => {
  await app?.close();
  await w?.shutdown();
  await t?.close();
});

const inboxEvents = (client: SseClient): InboxEvent[] => client.frames.filter((f) => f.event === 'inbox').map((f) => JSON.parse(f.data!) as InboxEvent);
const auth = (key: string) => ({ authorization: `Bearer ${key}` });

it('sends the inbox, then again when an approval arrives and when it is decided elsewhere; other callers never see it', async () => {
  const alice = await SseClient.open(`${base}/api/v1/approvals/stream`, auth(keys.alice.key));
  const carol = await SseClient.open(`${base}/api/v1/approvals/stream`, auth(keys.carol.key));
  try {
    expect(alice.status).toBe(200);
    expect(alice.headers['content-type']).toMatch(/^text\/event-stream/);
    await waitFor(() => inboxEvents(alice).length === 1 && inboxEvents(carol).length === 1, { what: 'first inbox events' });
    expect(inboxEvents(alice)[0]!.items).toEqual([]);

    const id = await api.trigger('stream-approval', { order: 'X-9' });
    const arrived = await waitFor(() => inboxEvents(alice).find((e) => e.items.some((i) => i.execution_id === id)), { what: 'approval arrived', timeoutMs: 15_000 });
    expect(arrived.items.find((i) => i.execution_id === id)).toMatchObject({
      task_id: 'review',
      message: 'Order X-9',
      decision_schema: { type: 'object', properties: { note: { type: 'string' } } },
      context: { input: { order: 'X-9' } },
      tool_call: null,
      links: { decide: `/api/v1/executions/${id}/approvals/review` },
    });
    // Environment values allow-listed for templates are not for approvers' eyes.
    expect(arrived.items.find((i) => i.execution_id === id)!.context).not.toHaveProperty('env');
    const seen = inboxEvents(alice).length;

    const decided = await call(app, 'POST', `/api/v1/executions/${id}/approvals/review`, { key: keys.alice.key, body: { decision: 'approve' } });
    expect(decided.statusCode).toBe(200);
    await waitFor(() => inboxEvents(alice).length > seen && inboxEvents(alice).at(-1)!.items.every((i) => i.execution_id !== id), { what: 'approval left', timeoutMs: 15_000 });
    // Nothing changed for carol (sales): she got her first inbox only, never this approval.
    expect(inboxEvents(carol).flatMap((e) => e.items).some((i) => i.execution_id === id)).toBe(false);
    expect(inboxEvents(carol)).toHaveLength(1);
  } finally {
    alice.close();
    carol.close();
  }
});

it('answers problems before the stream starts', async () => {
  expect((await call(app, 'GET', '/api/v1/approvals/stream')).statusCode).toBe(401);
  const forbidden = await call(app, 'GET', '/api/v1/approvals/stream', { key: keys.reader.key });
  expect(forbidden.statusCode).toBe(403);
  expect(forbidden.json()).toMatchObject({ required_permission: 'approvals:decide' });
  expect((await call(app, 'GET', '/api/v1/approvals/stream?after=1', { key: keys.alice.key })).statusCode).toBe(400);
});

it('refuses streams past the cap with 503 stream_limit_reached, frees a slot when a client leaves, and ends open streams on close', async () => {
  const capped = await startApp(1);
  const url = `http://127.0.0.1:${(capped.server.address() as { port: number }).port}/api/v1/approvals/stream`;
  const first = await SseClient.open(url, auth(keys.alice.key));
  try {
    await waitFor(() => inboxEvents(first).length === 1, { what: 'first stream open' });
    const second = await SseClient.open(url, auth(keys.alice.key));
    await waitFor(() => second.ended, { what: 'second answered' });
    expect(second.status).toBe(503);
    expect(JSON.parse(second.body)).toMatchObject({ type: 'https://cadenza.dev/problems/stream_limit_reached' });
    first.close();
    const third = await waitFor(
      async () => {
        const c = await SseClient.open(url, auth(keys.alice.key));
        if (c.status === 200) return c;
        await waitFor(() => c.ended, { what: 'refusal read' });
        return undefined;
      },
      { what: 'slot freed' },
    );
    await waitFor(() => inboxEvents(third).length === 1, { what: 'third stream open' });
    const started = Date.now();
    await capped.close();
    await waitFor(() => third.ended, { what: 'stream ended by close' });
    expect(Date.now() - started).toBeLessThan(5_000);
  } finally {
    first.close();
    await capped.close();
  }
});
