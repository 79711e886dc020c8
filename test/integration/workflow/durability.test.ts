/**
 * A paused execution survives its whole setup stopping: a dev server on a SQLite file and a worker are
 * stopped while the execution waits on an approval under a manual pause, then started again on the same
 * file. The execution is still paused with the same context, and a resume and a decision complete it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { Client, type WorkflowHandle } from '@temporalio/client';
import { connectTemporal } from '../../../src/temporal/client-connection';
import { NativeConnection } from '@temporalio/worker';
import { type DevServer, startDevServer } from '../../../src/temporal/dev-server';
import { findFreePorts } from '../../../src/temporal/find-free-port';
import { ensureTemporalCli } from '../../../src/temporal/provision';
import { createCadenzaWorker } from '../../../src/worker/create-worker';
import { decideUpdate, executionQuery, pauseUpdate, resumeUpdate, statusQuery, taskContextQuery } from '../../../src/workflows/messages';
import { requireTestEnv, TestEnv } from '../harness/test-environment';
import { definition, journal, startExecution } from './start-execution';
import { count, paused, statusWhen } from './pause-resume-probes';
import { expectContinuousSeq, historyLengths, sendSignals, wholeJournal } from './run-segments';

const namespace = 'default';

/** One dev server on the SQLite file, a worker and a client: the whole stateful setup. */
interface Setup {
  client: Client;
  stop(): Promise<void>;
}

let cli: string;
let dir: string;
let current: Setup | undefined;

beforeAll(async () => {
  const provisioned = await ensureTemporalCli();
  if (provisioned.path === undefined) throw new Error('no temporal CLI binary for this test');
  cli = provisioned.path;
  dir = mkdtempSync(path.join(tmpdir(), 'cadenza-durability-'));
});

// Each test ends with the setup it started last still running: stop it before the next one starts.
afterEach(async () => {
  await current?.stop();
  current = undefined;
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function startSetup(dbFile: string, taskQueue: string): Promise<Setup> {
  const [port, uiPort] = await findFreePorts(2);
  const server: DevServer = await startDevServer({ cliPath: cli, port: port!, uiPort: uiPort!, dbFile, namespace });
  const workerConnection = await NativeConnection.connect({ address: server.address });
  const worker = await createCadenzaWorker({ connection: workerConnection, namespace, taskQueue, workflowBundle: { codePath: requireTestEnv(TestEnv.WorkflowBundle) } });
  const running = worker.run();
  const connection = await connectTemporal({ address: server.address });
  let stopping: Promise<void> | undefined;
  return {
    client: new Client({ connection, namespace }),
    stop: () =>
      (stopping ??= (async () => {
        await connection.close();
        worker.shutdown();
        await running;
        await workerConnection.close();
        await server.stop();
      })()),
  };
}

it('keeps a paused execution (approval + manual pause) across a restart of worker and server', async () => {
  const dbFile = path.join(dir, 'temporal.db');
  const taskQueue = `durability-${randomUUID()}`;
  const def = definition({
    id: 'durable-approval',
    tasks: [
      { id: 'prepare', type: 'basic', tool: 'echo', with: { order: '{{ input.orderId }}' }, on_success: { next: 'sign' } },
      { id: 'sign', type: 'approval', approvers: { users: ['alice'] }, message: 'sign {{ input.orderId }}', on_approve: { next: 'ship' } },
      { id: 'ship', type: 'basic', tool: 'echo', with: { shipped: '{{ tasks.prepare.output.order }}', by: '{{ tasks.sign.output.approver }}' } },
    ],
    outputs: { shipped: '{{ tasks.ship.output.shipped }}', by: '{{ tasks.ship.output.by }}' },
  });

  current = await startSetup(dbFile, taskQueue);
  let handle: WorkflowHandle = await startExecution(current.client, taskQueue, def, { orderId: 'o-77' });
  await paused(handle);
  await handle.executeUpdate(pauseUpdate, { args: [{ reason: 'maintenance window', actor: 'ops' }] });
  const status = await handle.query(statusQuery);
  expect(status.pause?.gates.map((g) => g.reason)).toEqual(['manual', 'approval_required']);
  const signContext = await handle.query(taskContextQuery, 'sign');
  const prepareContext = await handle.query(taskContextQuery, 'prepare');
  const view = await handle.query(executionQuery);

  await current.stop();
  current = await startSetup(dbFile, taskQueue);
  handle = current.client.workflow.getHandle(handle.workflowId);

  // The new worker rebuilds the execution from history: same status, same context, same journal.
  expect(await handle.query(statusQuery)).toEqual(status);
  expect(await handle.query(taskContextQuery, 'sign')).toEqual(signContext);
  expect(await handle.query(taskContextQuery, 'prepare')).toEqual(prepareContext);
  expect(await handle.query(executionQuery)).toEqual(view);

  // Lifting the manual pause leaves the approval open; the decision completes the execution.
  const resumed = await handle.executeUpdate(resumeUpdate, { args: [{ mode: 'continue', actor: 'ops' }] });
  expect(resumed.plan).toMatchObject({ ok: true, continues: [{ reason: 'manual' }], still_open: [{ task_id: 'sign', reason: 'approval_required' }] });
  expect((await statusWhen(handle, (s) => s.status === 'paused' && s.pause?.gates.length === 1)).pause).toMatchObject({ reason: 'approval_required', task_id: 'sign', next_task_id: 'ship' });
  await handle.executeUpdate(decideUpdate, { args: [{ task_id: 'sign', decision: 'approve', actor: 'alice' }] });
  expect(await handle.result()).toMatchObject({ status: 'completed', outputs: { shipped: 'o-77', by: 'alice' } });
  const events = await journal(handle);
  expect(count(events, 'ApprovalDecided')).toBe(1);
  expect(count(events, 'TaskDispatched', 'prepare')).toBe(1);
});

it('keeps a paused execution that continued as new across a restart of worker and server', async () => {
  const dbFile = path.join(dir, 'temporal-continued.db');
  const taskQueue = `durability-${randomUUID()}`;
  const def = definition({
    id: 'durable-continued',
    tasks: [
      { id: 'sign', type: 'approval', approvers: { users: ['alice'] }, message: 'sign it', on_approve: { next: 'ship' } },
      { id: 'ship', type: 'basic', tool: 'echo', with: { by: '{{ tasks.sign.output.approver }}' } },
    ],
    outputs: { by: '{{ tasks.ship.output.by }}' },
  });
  current = await startSetup(dbFile, taskQueue);
  const started = await startExecution(current.client, taskQueue, def, {}, {}, { continue_after_events: 120 });
  await paused(started);
  await started.executeUpdate(pauseUpdate, { args: [{ reason: 'night', actor: 'ops' }] });
  await sendSignals(started, 300);
  const client = current.client;
  await statusWhen(client.workflow.getHandle(started.workflowId), () => true);
  const runs = async () => (await historyLengths(client, started.workflowId)).length;
  for (let i = 0; i < 100 && (await runs()) < 2; i++) await new Promise((r) => setTimeout(r, 200));
  expect(await runs()).toBeGreaterThanOrEqual(2);
  const status = await client.workflow.getHandle(started.workflowId).query(statusQuery);
  expect(status.pause?.gates.map((g) => g.reason)).toEqual(['manual', 'approval_required']);

  await current.stop();
  current = await startSetup(dbFile, taskQueue);
  const handle = current.client.workflow.getHandle(started.workflowId);
  expect(await handle.query(statusQuery)).toEqual(status);
  await handle.executeUpdate(resumeUpdate, { args: [{ mode: 'continue', actor: 'ops' }] });
  await handle.executeUpdate(decideUpdate, { args: [{ task_id: 'sign', decision: 'approve', actor: 'alice' }] });
  expect(await handle.result()).toMatchObject({ status: 'completed', outputs: { by: 'alice' } });
  const { events } = await wholeJournal(current.client, started.workflowId);
  expectContinuousSeq(events);
  expect(count(events, 'ApprovalDecided')).toBe(1);
}, 120_000);
