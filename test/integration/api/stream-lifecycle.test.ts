/**
 * The life of an SSE stream (`GET /api/v1/executions/{id}/stream`) through the real app against a
 * real Temporal dev server: a client that leaves (before the first page, or later) stops its polling
 * loop; past `CADENZA_SSE_MAX_STREAMS` a stream is refused with `503 stream_limit_reached`; and
 * `app.close()` ends open streams instead of waiting for them. What runs is read from the route's
 * `StreamRegistry` gauge (loops alive) and from a count of the journal queries made.
 */
import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { WorkflowHandle } from '@temporalio/client';
import { buildApp, type CadenzaApp } from '../../../src/api/app';
import { StreamRegistry } from '../../../src/api/sse/stream-registry';
import { type Config, loadConfig } from '../../../src/config';
import { DefinitionStore } from '../../../src/definitions/store';
import { ExecutionService } from '../../../src/executions/execution-service';
import type { JournalPage } from '../../../src/executions/journal-segments';
import { connectTestClient, type TestClient, waitFor } from '../harness';
import { type PublishingWorker, startPublishingWorker } from '../nats/nats-context';
import { definition, startExecution } from '../workflow/start-execution';
import { SseClient } from './sse-client';

/** The real execution service, counting journal queries; `hold()` makes the next ones wait for `release()`. */
class CountingExecutions extends ExecutionService {
  queries = 0;
  private gate: Promise<void> | undefined;
  private open: (() => void) | undefined;

  hold(): void {
    this.gate = new Promise((resolve) => (this.open = resolve));
  }

  release(): void {
    this.open?.();
    this.gate = undefined;
  }

  override async events(executionId: string, args: { after?: number; limit?: number }): Promise<JournalPage> {
    this.queries += 1;
    await this.gate;
    return super.events(executionId, args);
  }
}

let t: TestClient;
let w: PublishingWorker;
let config: Config;
let definitions: DefinitionStore;
let waiting: WorkflowHandle;

beforeAll(async () => {
  t = await connectTestClient();
  const taskQueue = `stream-life-${randomUUID()}`;
  w = await startPublishingWorker(t, taskQueue, undefined);
  config = loadConfig({ CADENZA_TASK_QUEUE: taskQueue, TEMPORAL_NAMESPACE: t.namespace, LOG_LEVEL: 'silent', CADENZA_SSE_MAX_STREAMS: '2' });
  definitions = new DefinitionStore({ client: t.client, taskQueue, registryId: `registry-${randomUUID()}` });
  // Never ends by itself: a stream of it polls until its client leaves or the server closes.
  waiting = await startExecution(t.client, taskQueue, definition({ id: 'held', tasks: [{ id: 'ask', type: 'basic', tool: 'nats-ask', with: { wait_reason: 'later' } }] }));
});

afterAll(async () => {
  await waiting?.terminate('test over').catch(() => undefined);
  await w?.shutdown();
  await t?.close();
});

interface Served {
  app: CadenzaApp;
  base: string;
  streams: StreamRegistry;
  executions: CountingExecutions;
}

async function serve(options: { streams?: boolean } = {}): Promise<Served> {
  const executions = new CountingExecutions({ client: t.client, definitions, config });
  const streams = new StreamRegistry({ maxStreams: config.CADENZA_SSE_MAX_STREAMS });
  const app = await buildApp({ config, client: t.client, definitions, executions, ...(options.streams === false ? {} : { streams }) });
  await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, base: `http://127.0.0.1:${(app.server.address() as { port: number }).port}`, streams, executions };
}

function connections(app: CadenzaApp): Promise<number> {
  return new Promise((resolve, reject) => app.server.getConnections((error, count) => (error ? reject(error) : resolve(count))));
}

/** `'done'` when `promise` settles within `ms`, else `'timed out'`. */
async function within(promise: Promise<unknown>, ms: number): Promise<'done' | 'timed out'> {
  const timer = new AbortController();
  try {
    return await Promise.race([promise.then(() => 'done' as const), sleep(ms, 'timed out' as const, { signal: timer.signal })]);
  } finally {
    timer.abort();
  }
}

const streamPath = (): string => `/api/v1/executions/${waiting.workflowId}/stream`;

describe('a client that leaves', () => {
  let s: Served;
  beforeEach(async () => (s = await serve()));
  afterEach(async () => {
    s.executions.release();
    await s.app.close();
  });

  it('before the first page arrives stops the loop: that one query is the last', async () => {
    s.executions.hold();
    const request = httpRequest(`${s.base}${streamPath()}`, { headers: { accept: 'text/event-stream' } });
    request.on('error', () => undefined);
    request.end();
    await waitFor(() => s.executions.queries === 1, { what: 'the first journal query' });
    expect(s.streams.active).toBe(1);
    request.destroy();
    await waitFor(async () => (await connections(s.app)) === 0, { what: 'the server to see the client leave' });
    // Only now does the first page arrive.
    s.executions.release();
    await waitFor(() => s.streams.active === 0, { what: 'the loop to end' });
    expect(s.executions.queries).toBe(1);
  });

  it('while streaming stops the loop', async () => {
    const sse = await SseClient.open(`${s.base}${streamPath()}`);
    expect(sse.status).toBe(200);
    await waitFor(() => sse.events.some((e) => e.type === 'TaskWaitingStarted'), { what: 'the journal so far' });
    // The loop keeps polling the open execution while the client stays.
    const before = s.executions.queries;
    await waitFor(() => s.executions.queries > before, { what: 'another poll' });
    expect(s.streams.active).toBe(1);
    sse.close();
    await waitFor(() => s.streams.active === 0, { what: 'the loop to end' });
  });
});

it('refuses a stream past CADENZA_SSE_MAX_STREAMS with 503 stream_limit_reached, and admits one again once a slot is free', async () => {
  // The cap comes from the configuration (2), through buildApp's own registry.
  const s = await serve({ streams: false });
  const open: SseClient[] = [];
  try {
    for (let i = 0; i < 2; i++) {
      const sse = await SseClient.open(`${s.base}${streamPath()}`);
      expect(sse.status).toBe(200);
      open.push(sse);
    }
    const refused = await fetch(`${s.base}${streamPath()}`, { headers: { accept: 'text/event-stream' } });
    expect(refused.status).toBe(503);
    expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(refused.headers.get('retry-after')).toBe('5');
    expect(await refused.json()).toMatchObject({ type: 'https://cadenza.dev/problems/stream_limit_reached', status: 503, max_streams: 2 });

    open.shift()!.close();
    const admitted = await waitFor(
      async () => {
        const sse = await SseClient.open(`${s.base}${streamPath()}`);
        if (sse.status === 200) return sse;
        expect(sse.status).toBe(503);
        sse.close();
        return undefined;
      },
      { what: 'a freed slot' },
    );
    open.push(admitted);
    await waitFor(() => admitted.events.length > 0, { what: 'events on the admitted stream' });
  } finally {
    for (const sse of open) sse.close();
    await s.app.close();
  }
});

it('app.close() ends open streams at once instead of waiting for them', async () => {
  const s = await serve();
  const clients = await Promise.all([SseClient.open(`${s.base}${streamPath()}`), SseClient.open(`${s.base}${streamPath()}`)]);
  await waitFor(() => clients.every((c) => c.events.length > 0), { what: 'both streams to run' });
  expect(s.streams.active).toBe(2);

  // Without the route's preClose hook this waits forever: the execution never ends by itself.
  expect(await within(s.app.close(), 10_000)).toBe('done');
  await waitFor(() => s.streams.active === 0, { what: 'the loops to end' });
  await waitFor(() => clients.every((c) => c.ended), { what: 'the clients to see their streams end' });
  // Not an `end` event: the execution still runs, so a client reconnects with Last-Event-ID.
  for (const c of clients) expect(c.frames.some((f) => f.event === 'end')).toBe(false);
});
