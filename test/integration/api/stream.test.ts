/**
 * `GET /api/v1/executions/{id}/stream` over real HTTP against a real Temporal dev server: live
 * server-sent events, a reconnect with `Last-Event-ID` that misses nothing and repeats nothing,
 * heartbeats on an idle stream, the `end` event, and problem answers before the stream starts.
 */
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { buildApp } from '../../../src/api/app';
import { registerErrorHandling } from '../../../src/api/error-handler';
import { streamRoutes } from '../../../src/api/routes/stream';
import { loadConfig } from '../../../src/config';
import { DefinitionStore } from '../../../src/definitions/store';
import { ExecutionService } from '../../../src/executions/execution-service';
import { connectTestClient, type TestClient, waitFor } from '../harness';
import { type PublishingWorker, startPublishingWorker } from '../nats/nats-context';
import { SseClient } from './sse-client';
import { definition, journal, startExecution } from '../workflow/start-execution';

let t: TestClient;
let w: PublishingWorker;
let app: FastifyInstance;
let base: string;
let executions: ExecutionService;

beforeAll(async () => {
  t = await connectTestClient();
  const taskQueue = `stream-${randomUUID()}`;
  w = await startPublishingWorker(t, taskQueue, undefined);
  const config = loadConfig({ CADENZA_TASK_QUEUE: taskQueue, TEMPORAL_NAMESPACE: t.namespace, LOG_LEVEL: 'silent' });
  const definitions = new DefinitionStore({ client: t.client, taskQueue, registryId: `registry-${randomUUID()}` });
  executions = new ExecutionService({ client: t.client, definitions, config });
  app = await buildApp({ config, client: t.client, definitions, executions });
  await app.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
});

afterAll(async () => {
  await app?.close();
  await w?.shutdown();
  await t?.close();
});

const steps = definition({
  id: 'streamed',
  tasks: Array.from({ length: 8 }, (_, i) => ({
    id: `s${i}`,
    type: 'basic',
    tool: 'nap',
    with: { ms: 150 },
    ...(i < 7 ? { on_success: { next: `s${i + 1}` } } : {}),
  })),
});

it('streams the journal live; a reconnect with Last-Event-ID gets the rest, nothing missed or repeated; ends when the execution closed', async () => {
  const handle = await startExecution(t.client, w.taskQueue, steps);
  const first = await SseClient.open(`${base}/api/v1/executions/${handle.workflowId}/stream`);
  expect(first.status).toBe(200);
  expect(first.headers['content-type']).toMatch(/^text\/event-stream/);
  await waitFor(() => first.events.length >= 6, { what: 'live events' });
  // The execution is still running: these arrived live, not from a finished journal.
  expect((await handle.describe()).status.name).toBe('RUNNING');
  first.close();
  const seen = first.events;
  const lastId = seen.at(-1)!.seq;

  const second = await SseClient.open(`${base}/api/v1/executions/${handle.workflowId}/stream`, { 'last-event-id': String(lastId) });
  await waitFor(() => second.ended, { what: 'the stream to end', timeoutMs: 30_000 });
  const all = [...seen, ...second.events];
  const events = await journal(handle);
  expect(all.map((e) => e.seq)).toEqual(events.map((e) => e.seq));
  expect(all.map((e) => e.id)).toEqual(events.map((e) => e.id));
  expect(all.at(-1)!.type).toBe('WorkflowExecutionSuccess');
  const end = second.frames.find((f) => f.event === 'end');
  expect(JSON.parse(end!.data!)).toEqual({ execution_id: handle.workflowId, status: 'completed', last_seq: events.length });

  // `?after=` works too, and a closed execution's stream sends the rest and ends at once.
  const tail = await SseClient.open(`${base}/api/v1/executions/${handle.workflowId}/stream?after=${events.length - 2}`);
  await waitFor(() => tail.ended, { what: 'the tail stream to end' });
  expect(tail.events.map((e) => e.seq)).toEqual([events.length - 1, events.length]);
});

it('answers an unknown execution with a problem before any stream starts', async () => {
  const res = await fetch(`${base}/api/v1/executions/streamed-${randomUUID()}/stream`);
  expect(res.status).toBe(404);
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(await res.json()).toMatchObject({ type: 'https://cadenza.dev/problems/execution_not_found' });
  const bad = await fetch(`${base}/api/v1/executions/x/stream`, { headers: { 'last-event-id': 'yesterday' } });
  expect(bad.status).toBe(400);
});

describe('an idle stream', () => {
  let small: FastifyInstance;
  let smallBase: string;

  beforeAll(async () => {
    small = Fastify();
    small.setValidatorCompiler(validatorCompiler);
    small.setSerializerCompiler(serializerCompiler);
    registerErrorHandling(small);
    await small.register(streamRoutes, { executions, client: t.client, heartbeatMs: 200, maxPollMs: 100 });
    await small.listen({ host: '127.0.0.1', port: 0 });
    smallBase = `http://127.0.0.1:${(small.server.address() as { port: number }).port}`;
  });

  afterAll(async () => {
    await small?.close();
  });

  it('sends heartbeat comments while nothing happens', async () => {
    const waiting = await startExecution(t.client, w.taskQueue, definition({ id: 'idle', tasks: [{ id: 'ask', type: 'basic', tool: 'nats-ask', with: { wait_reason: 'later' } }] }));
    try {
      const sse = await SseClient.open(`${smallBase}/api/v1/executions/${waiting.workflowId}/stream`);
      await waitFor(() => sse.frames.filter((f) => f.comment === 'heartbeat').length >= 2, { what: 'heartbeats' });
      expect(sse.events.map((e) => e.type)).toContain('TaskWaitingStarted');
      expect(sse.ended).toBe(false);
      sse.close();
    } finally {
      await waiting.terminate('test over');
    }
  });
});
