/**
 * The case the catch-up exists for: a worker (`src/worker.ts` in a child process, NATS_URL set) holds
 * events it could not publish (NATS down) and is killed. Another worker takes the execution over:
 * every journal event still reaches the stream, once, in seq order.
 */
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import type { NatsConnection } from '@nats-io/transport-node';
import { connectTestClient, type TestClient, waitFor, WorkerProcesses } from '../harness';
import { definition, journal, startExecution } from '../workflow/start-execution';
import { connectNats, executionMessages, natsConfig, natsNamesOf, startPublishingWorker, testPrefix } from './nats-context';
import { NatsTestServer } from './nats-test-server';

let nats: NatsTestServer;
let t: TestClient;
let nc: NatsConnection;
const workers = new WorkerProcesses();

beforeAll(async () => {
  nats = await NatsTestServer.start();
  t = await connectTestClient();
  nc = await connectNats(nats.url);
});

afterAll(async () => {
  workers.killAll();
  await nc?.close();
  await t?.close();
  await nats?.dispose();
});

function startWorkerProcess(taskQueue: string, prefix: string): ChildProcess {
  return workers.start({
    address: t.address,
    namespace: t.namespace,
    taskQueue,
    toolsModule: 'test/integration/nats/nats-tools.ts',
    env: { NATS_URL: nats.url, CADENZA_NATS_PREFIX: prefix, LOG_LEVEL: 'error' },
    stderr: 'ignore',
  });
}

const steps = definition({
  id: 'nats-crash',
  tasks: Array.from({ length: 6 }, (_, i) => ({
    id: `s${i}`,
    type: 'basic',
    tool: 'nap',
    with: { ms: 300 },
    heartbeat_timeout: '2s',
    retry: { initial_interval: '100ms' },
    ...(i < 5 ? { on_success: { next: `s${i + 1}` } } : {}),
  })),
});

it('publishes every event once and in order after a worker holding unpublished events is killed', async () => {
  const prefix = testPrefix();
  const names = natsNamesOf({ CADENZA_NATS_PREFIX: prefix, CADENZA_NATS_STREAM: undefined });
  const taskQueue = `nats-crash-${randomUUID()}`;
  const first = startWorkerProcess(taskQueue, prefix);
  const handle = await startExecution(t.client, taskQueue, steps);
  await waitFor(async () => (await executionMessages(nc, names, handle.workflowId)).length >= 3, { what: 'the first events from the child worker', timeoutMs: 60_000 });

  // NATS goes away; the child keeps running the execution and holds its events; then it dies.
  await nats.stop();
  const journaled = await waitFor(async () => {
    const events = await journal(handle);
    return events.filter((e) => e.type === 'TaskExecutionSuccess').length >= 2 && events;
  }, { what: 'progress while NATS is down', timeoutMs: 30_000 });
  first.kill('SIGKILL');
  await new Promise((r) => first.once('exit', r));
  await nats.resume();
  // The test's own connection reconnects too.
  const published = await waitFor(() => executionMessages(nc, names, handle.workflowId), { what: 'the stream after NATS restarted' });
  expect(published.length).toBeLessThan(journaled.length);

  // Another worker takes over: its start sweep and gap check republish what the stream lacks.
  const second = await startPublishingWorker(t, taskQueue, natsConfig(nats.url, prefix));
  try {
    expect((await handle.result()).status).toBe('completed');
    const events = await journal(handle);
    const messages = await waitFor(async () => {
      const m = await executionMessages(nc, names, handle.workflowId);
      return m.length >= events.length && m;
    }, { what: 'every journal event in the stream', timeoutMs: 30_000 });
    expect(messages.map((m) => m.event.seq)).toEqual(events.map((e) => e.seq));
    expect(messages.map((m) => m.msgId)).toEqual(events.map((e) => e.id));
  } finally {
    await second.shutdown();
  }
}, 120_000);
