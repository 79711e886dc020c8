/**
 * NATS publishing of an execution that continues as new (docs/design.md §6, §11), with a real
 * nats-server, a real Temporal dev server and the TEST-ONLY segmented journal workflow: live events of
 * every run reach the stream in seq order; a worker that takes over a new run fills what it never saw
 * from the closed runs; the catch-up republishes the journals of runs no worker published and skips
 * the runs that continued as new. Every execution's messages are exactly seq 1..N, once each.
 */
import type { NatsConnection } from '@nats-io/transport-node';
import { type EventPublishing, startEventPublishing } from '../../../src/events/event-publishing';
import { eventsQuery } from '../../../src/workflows/messages';
import { connectTestClient, type TestClient, waitFor } from '../harness';
import { startSegmentedJournal, startSegmentedJournalWorker, step } from '../fixtures/segmented-journal-worker';
import { SEGMENTED_JOURNAL_WORKFLOW_TYPE } from '../fixtures/segmented-journal-workflow';
import { NatsTestServer } from './nats-test-server';
import { connectNats, executionMessages, natsConfig, natsNamesOf, testPrefix } from './nats-context';
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

const range = (from: number, to: number): number[] => Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);

/** Publishing for `taskQueue`; its catch-up looks at the fixture workflow only when `catchUp`. */
function publishing(prefix: string, taskQueue: string, catchUp: boolean): EventPublishing {
  return startEventPublishing({
    config: natsConfig(nats.url, prefix),
    client: t.client,
    taskQueue,
    // Without it the catch-up looks for interpreter executions and finds none: only the gap fill is at work.
    ...(catchUp ? { workflowType: SEGMENTED_JOURNAL_WORKFLOW_TYPE } : {}),
  });
}

async function lastSeq(id: string): Promise<number> {
  return (await t.client.workflow.getHandle(id).query(eventsQuery, { after: 1_000_000, limit: 1 })).last_seq;
}

/** Waits until the stream holds `total` messages of the execution, then checks they are exactly 1..total. */
async function expectStreamHolds(prefix: string, id: string, total: number): Promise<void> {
  const names = natsNamesOf({ CADENZA_NATS_PREFIX: prefix, CADENZA_NATS_STREAM: undefined });
  const messages = await waitFor(async () => {
    const m = await executionMessages(nc, names, id);
    return m.length >= total && m;
  }, { what: `${total} messages of ${id}`, timeoutMs: 60_000 });
  expect(messages.map((m) => m.event.seq)).toEqual(range(1, total));
  expect(new Set(messages.map((m) => m.msgId)).size).toBe(total);
}

it('publishes the live events of every run in seq order, empty runs and all', async () => {
  const prefix = testPrefix();
  const taskQueue = `segjournal-${randomUUID()}`;
  const pub = publishing(prefix, taskQueue, false);
  const w = await startSegmentedJournalWorker({ taskQueue, onJournalEvent: (e) => pub.onJournalEvent(e) });
  try {
    const handle = await startSegmentedJournal(t, taskQueue);
    await step(handle, [{ append: 300 }, { roll: true }, { roll: true }, { append: 40 }, { roll: true }, { append: 7 }, { finish: true }]);
    await handle.result();
    expect(await lastSeq(handle.workflowId)).toBe(349);
    await expectStreamHolds(prefix, handle.workflowId, 349);
  } finally {
    await w.shutdown();
    await pub.close();
  }
});

it('a worker that takes over after a continue-as-new fills what it never saw from the closed runs (gap fill)', async () => {
  const prefix = testPrefix();
  const taskQueue = `segjournal-${randomUUID()}`;
  // A worker that publishes nothing runs the first two runs (as if its sink calls were lost in a crash).
  const silent = await startSegmentedJournalWorker({ taskQueue });
  const handle = await startSegmentedJournal(t, taskQueue);
  await step(handle, [{ append: 1100 }, { roll: true }, { append: 30 }, { roll: true }]);
  await waitFor(async () => (await t.client.workflow.getHandle(handle.workflowId).query(eventsQuery, {})).first_seq === 1132, { what: 'the third run' });
  await silent.shutdown();
  const pub = publishing(prefix, taskQueue, false);
  const w = await startSegmentedJournalWorker({ taskQueue, onJournalEvent: (e) => pub.onJournalEvent(e) });
  try {
    // Its first live event is seq 1132: the publisher reads 1..1131 from the two closed runs first.
    await step(handle, [{ append: 4 }]);
    await expectStreamHolds(prefix, handle.workflowId, 1135);
    expect(pub.publisher.stats.filled).toBe(1131);
  } finally {
    await w.shutdown();
    await pub.close();
    await t.client.workflow.getHandle(handle.workflowId).terminate('test over').catch(() => undefined);
  }
});

it('the catch-up republishes journals across runs that no worker published, and skips the runs that continued as new', async () => {
  const prefix = testPrefix();
  const taskQueue = `segjournal-${randomUUID()}`;
  const silent = await startSegmentedJournalWorker({ taskQueue });
  const running = await startSegmentedJournal(t, taskQueue);
  const finished = await startSegmentedJournal(t, taskQueue);
  await step(running, [{ append: 600 }, { roll: true }, { append: 600 }, { roll: true }, { append: 3 }]);
  await step(finished, [{ append: 10 }, { roll: true }, { append: 10 }, { finish: true }]);
  await finished.result();
  await waitFor(async () => (await lastSeq(running.workflowId)) === 1204, { what: 'the running execution in its third run' });
  await silent.shutdown();

  const pub = publishing(prefix, taskQueue, true);
  const w = await startSegmentedJournalWorker({ taskQueue, onJournalEvent: (e) => pub.onJournalEvent(e) });
  try {
    // Visibility is eventually consistent: the start sweep may miss what it lists late; sweeps repeat.
    await waitFor(async () => {
      await pub.catchUp.sweep();
      const names = natsNamesOf({ CADENZA_NATS_PREFIX: prefix, CADENZA_NATS_STREAM: undefined });
      return (await executionMessages(nc, names, running.workflowId)).length >= 1204 && (await executionMessages(nc, names, finished.workflowId)).length >= 22;
    }, { what: 'both journals in the stream', timeoutMs: 60_000, intervalMs: 1_000 });
    await expectStreamHolds(prefix, running.workflowId, 1204);
    await expectStreamHolds(prefix, finished.workflowId, 22);
    // Two executions, however many runs: the runs that continued as new are not examined.
    const report = await pub.catchUp.sweep();
    expect(report.examined).toBe(2);
    // Nothing is published twice by a later sweep.
    await waitFor(async () => (await pub.catchUp.sweep()).filled === 0, { what: 'a sweep with nothing to fill' });
    await expectStreamHolds(prefix, running.workflowId, 1204);
  } finally {
    await w.shutdown();
    await pub.close();
    await t.client.workflow.getHandle(running.workflowId).terminate('test over').catch(() => undefined);
  }
});
