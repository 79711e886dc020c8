/**
 * Journal events on NATS JetStream (docs/design.md §6) with a real nats-server and a real Temporal dev
 * server: docs/design.md §14.1's subjects and payloads, an outage of the NATS server in the middle of an
 * execution, and the catch-up of events a worker never published.
 */
import type { NatsConnection } from '@nats-io/transport-node';
import { DEDUPE_WINDOW_MS } from '../../../src/events/jetstream-setup';
import { jetstreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { connectTestClient, type TestClient, waitFor } from '../harness';
import { definition, journal, startExecution } from '../workflow/start-execution';
import { NatsTestServer } from './nats-test-server';
import { connectNats, executionMessages, natsConfig, natsNamesOf, startPublishingWorker, testPrefix } from './nats-context';
import { randomUUID } from 'node:crypto';

let nats: NatsTestServer;
let t: TestClient;
let nc: NatsConnection;

beforeAll(async () => {
  nats = await NatsTestServer.start();
  t = await connectTestClient();
  nc = await connectNats(nats.url);
});

afterAll(async () => {
  await nc?.close();
  await t?.close();
  await nats?.dispose();
});

const seed001 = definition({
  id: 'seed-001',
  input: { type: 'object', properties: { order: { type: 'string' } } },
  tasks: [{ id: 'greet', type: 'basic', tool: 'echo', with: { greeting: 'hello {{ input.order }}' } }],
  outputs: { greeting: '{{ tasks.greet.output.greeting }}' },
});

it('publishes docs/design.md §14.1 (a successful task) on the seeds\' subjects, in order, with the seeds\' payload fields', async () => {
  const prefix = testPrefix();
  const names = natsNamesOf({ CADENZA_NATS_PREFIX: prefix, CADENZA_NATS_STREAM: undefined });
  const w = await startPublishingWorker(t, `nats-${randomUUID()}`, natsConfig(nats.url, prefix));
  try {
    const handle = await startExecution(t.client, w.taskQueue, seed001, { order: 'A-1' });
    await handle.result();
    const events = await journal(handle);
    const messages = await waitFor(async () => {
      const m = await executionMessages(nc, names, handle.workflowId);
      return m.length === events.length && m;
    }, { what: 'every journal event in the stream' });

    const x = handle.workflowId;
    const task = events.find((e) => e.type === 'TaskScheduled')!.task_exec_id!;
    expect(messages.map((m) => m.subject)).toEqual([
      `${prefix}.events.workflow.instance.${x}.started`,
      `${prefix}.events.task.instance.${task}.scheduled`,
      `${prefix}.events.task.instance.${task}.dispatched`,
      `${prefix}.events.task.instance.${task}.started`,
      `${prefix}.events.task.instance.${task}.completed`,
      `${prefix}.events.workflow.instance.${x}.completed`,
    ]);
    // The journal event as it is, the message id is the event id, in seq order.
    expect(messages.map((m) => m.event.seq)).toEqual(events.map((e) => e.seq));
    expect(messages.map((m) => m.msgId)).toEqual(events.map((e) => e.id));
    messages.forEach((m, i) => expect(m.event).toMatchObject(events[i]!));

    const [started, scheduled, , taskStarted, completed, done] = messages.map((m) => m.event);
    expect(started).toMatchObject({ type: 'WorkflowExecutionStarted', workflow_id: 'seed-001', workflow_exec_id: x, inputs: { order: 'A-1' } });
    expect(scheduled).toMatchObject({ type: 'TaskScheduled', workflow_id: 'seed-001', workflow_exec_id: x, task_id: 'greet', task_exec_id: task, inputs: { greeting: 'hello A-1' } });
    expect(taskStarted).toMatchObject({ type: 'TaskExecutionStarted', workflow_exec_id: x, task_id: 'greet', task_exec_id: task, attempt: 1 });
    expect(completed).toMatchObject({ type: 'TaskExecutionSuccess', workflow_exec_id: x, task_exec_id: task, outputs: { greeting: 'hello A-1' } });
    expect(done).toMatchObject({ type: 'WorkflowExecutionSuccess', workflow_exec_id: x, outputs: { greeting: 'hello A-1' } });
    expect(messages[0]!.headers).toMatchObject({ 'Cadenza-Event-Type': 'WorkflowExecutionStarted', 'Cadenza-Seq': '1', 'Cadenza-Execution-Id': x, 'Cadenza-Workflow-Id': 'seed-001' });

    // Cadenza created the stream, with a duplicate window, and bookmarked the execution as closed.
    const info = await (await jetstreamManager(nc)).streams.info(names.stream);
    expect(info.config).toMatchObject({ subjects: [`${prefix}.events.>`], duplicate_window: DEDUPE_WINDOW_MS * 1_000_000 });
    const progress = await new Kvm(nc).open(names.progressBucket);
    const bookmark = await waitFor(async () => (await progress.get(handle.workflowId))?.json<Record<string, unknown>>(), { what: 'the bookmark' });
    expect(bookmark).toMatchObject({ seq: events.length, closed: true });
  } finally {
    await w.shutdown();
  }
});

const longRun = definition({
  id: 'nats-outage',
  tasks: Array.from({ length: 10 }, (_, i) => ({
    id: `step${i}`,
    type: 'basic',
    tool: 'nap',
    with: { ms: 250 },
    ...(i < 9 ? { on_success: { next: `step${i + 1}` } } : {}),
  })),
  outputs: { last: '{{ tasks.step9.output.slept }}' },
});

it('survives a NATS outage mid-run: the execution never waits for NATS, and every event arrives once, in order, when NATS is back', async () => {
  const prefix = testPrefix();
  const names = natsNamesOf({ CADENZA_NATS_PREFIX: prefix, CADENZA_NATS_STREAM: undefined });
  const w = await startPublishingWorker(t, `nats-${randomUUID()}`, natsConfig(nats.url, prefix));
  try {
    const startedAt = Date.now();
    const handle = await startExecution(t.client, w.taskQueue, longRun);
    // A few events are out, then the server goes away for a while.
    await waitFor(async () => (await executionMessages(nc, names, handle.workflowId)).length >= 4, { what: 'the first events' });
    await nats.stop();
    const downAt = Date.now();
    await waitFor(() => w.handed.filter((e) => e.execution_id === handle.workflowId && e.type === 'TaskExecutionSuccess').length >= 5, {
      what: 'tasks finishing while NATS is down',
      timeoutMs: 20_000,
    });
    expect(w.publishing!.publisher.stats.buffered).toBeGreaterThan(0);
    await nats.resume();
    const downMs = Date.now() - downAt;

    const result = await handle.result();
    expect(result.status).toBe('completed');
    // 10 tasks of 250 ms: the outage did not slow the execution down (generous bound for a loaded machine).
    expect(Date.now() - startedAt).toBeLessThan(2_500 + downMs + 15_000);

    const events = await journal(handle);
    const messages = await waitFor(async () => {
      const m = await executionMessages(nc, names, handle.workflowId);
      return m.length >= events.length && m;
    }, { what: 'every journal event in the stream after the outage', timeoutMs: 30_000 });
    expect(messages.map((m) => m.event.seq)).toEqual(events.map((e) => e.seq));
    expect(new Set(messages.map((m) => m.msgId)).size).toBe(messages.length);
    expect(messages.map((m) => m.event.id)).toEqual(events.map((e) => e.id));
  } finally {
    if (!nats.running) await nats.resume();
    await w.shutdown();
  }
});

it('catches up at worker start on what no worker published (a worker that died before publishing)', async () => {
  const prefix = testPrefix();
  const names = natsNamesOf({ CADENZA_NATS_PREFIX: prefix, CADENZA_NATS_STREAM: undefined });
  const taskQueue = `nats-${randomUUID()}`;
  // This worker runs the executions but publishes nothing: as if every sink call was lost.
  const silent = await startPublishingWorker(t, taskQueue, undefined);
  const closedOne = await startExecution(t.client, taskQueue, seed001, { order: 'closed' });
  await closedOne.result();
  const waiting = await startExecution(t.client, taskQueue, definition({
    id: 'nats-wait',
    tasks: [{ id: 'ask', type: 'basic', tool: 'nats-ask', with: { wait_reason: 'Waiting for user approval' } }],
  }));
  await waitFor(async () => (await journal(waiting)).some((e) => e.type === 'WorkflowExecutionPaused'), { what: 'the execution to pause on its wait' });
  await silent.shutdown();
  expect(await executionMessages(nc, names, closedOne.workflowId)).toEqual([]);

  // A publishing worker starts: its start sweep republishes both journals.
  const w = await startPublishingWorker(t, taskQueue, natsConfig(nats.url, prefix));
  try {
    for (const handle of [closedOne, waiting]) {
      const events = await journal(handle);
      const messages = await waitFor(async () => {
        const m = await executionMessages(nc, names, handle.workflowId);
        return m.length >= events.length && m;
      }, { what: `the catch-up of ${handle.workflowId}`, timeoutMs: 30_000 });
      expect(messages.map((m) => m.msgId)).toEqual(events.map((e) => e.id));
    }
    // A second sweep finds nothing missing and publishes nothing twice.
    // ...and costs no journal query: the closed one is bookmarked closed, the waiting one did nothing since.
    await w.publishing!.publisher.idle(10_000);
    await waitFor(async () => (await w.publishing!.catchUp.sweep()).filled === 0, { what: 'a sweep with nothing to fill' });
    const before = (await executionMessages(nc, names, closedOne.workflowId)).length;
    await w.publishing!.publisher.idle(10_000);
    expect((await executionMessages(nc, names, closedOne.workflowId)).length).toBe(before);
  } finally {
    await t.client.workflow.getHandle(waiting.workflowId).terminate('test over').catch(() => undefined);
    await w.shutdown();
  }
});

it('starts while NATS is down: executions run at full speed, and their events go out once NATS comes up', async () => {
  const prefix = testPrefix();
  const names = natsNamesOf({ CADENZA_NATS_PREFIX: prefix, CADENZA_NATS_STREAM: undefined });
  await nats.stop();
  const w = await startPublishingWorker(t, `nats-${randomUUID()}`, natsConfig(nats.url, prefix));
  try {
    const handle = await startExecution(t.client, w.taskQueue, seed001, { order: 'offline' });
    expect((await handle.result()).status).toBe('completed');
    expect(w.publishing!.link.usable).toBe(false);
    await nats.resume();
    const events = await journal(handle);
    const messages = await waitFor(async () => {
      const m = await executionMessages(nc, names, handle.workflowId);
      return m.length >= events.length && m;
    }, { what: 'the events after NATS came up', timeoutMs: 30_000 });
    expect(messages.map((m) => m.msgId)).toEqual(events.map((e) => e.id));
  } finally {
    if (!nats.running) await nats.resume();
    await w.shutdown();
  }
});
