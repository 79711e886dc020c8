/**
 * A worker killed (SIGKILL) in the middle of a task: a new worker finishes the execution, and the
 * journal holds no duplicate event.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { connectTestClient, type TestClient, WorkerProcesses } from '../harness';
import { definition, journal, startExecution, types } from './start-execution';

let t: TestClient;
const workers = new WorkerProcesses();

beforeAll(async () => {
  t = await connectTestClient();
});

afterAll(async () => {
  workers.killAll();
  await t?.close();
});

function startWorkerProcess(taskQueue: string, toolLog: string): ChildProcess {
  return workers.start({ address: t.address, namespace: t.namespace, taskQueue, toolsModule: 'test/integration/fixtures/test-tools.ts', env: { CADENZA_TEST_TOOL_LOG: toolLog } });
}

function toolEvents(file: string): Array<{ event: string; pid: number; attempt?: number }> {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as { event: string; pid: number; attempt?: number });
}

async function until(predicate: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

it('completes the execution after the worker is killed mid-task, without duplicate events', async () => {
  const taskQueue = `crash-${randomUUID()}`;
  const toolLog = path.join(mkdtempSync(path.join(tmpdir(), 'cadenza-crash-')), 'tools.log');
  const def = definition({
    tasks: [
      { id: 'before', type: 'basic', tool: 'echo', with: { step: 1 }, on_success: { next: 'work' } },
      { id: 'work', type: 'basic', tool: 'sleep', with: { ms: 4000, output: 'worked' }, heartbeat_timeout: '2s', retry: { initial_interval: '100ms' }, on_success: { next: 'after' } },
      { id: 'after', type: 'basic', tool: 'echo', with: { got: '{{ tasks.work.output }}' } },
    ],
  });

  const first = startWorkerProcess(taskQueue, toolLog);
  const handle = await startExecution(t.client, taskQueue, def);
  await until(() => toolEvents(toolLog).some((e) => e.event === 'start'), 60_000, 'the task to start on the first worker');
  first.kill('SIGKILL');
  await new Promise((r) => first.once('exit', r));

  const second = startWorkerProcess(taskQueue, toolLog);
  const result = await handle.result();
  expect(result.status).toBe('completed');

  const done = toolEvents(toolLog).filter((e) => e.event === 'done');
  expect(done).toHaveLength(1);
  expect(done[0]?.pid).toBe(second.pid);

  const events = await journal(handle);
  expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
  expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
  expect(types(events).filter((x) => x === 'WorkflowExecutionSuccess')).toHaveLength(1);
  expect(types(events, 'work').filter((x) => x === 'TaskExecutionSuccess')).toHaveLength(1);
  expect(types(events, 'before')).toEqual(['TaskScheduled', 'TaskDispatched', 'TaskExecutionStarted', 'TaskExecutionSuccess']);
  const retry = events.find((e) => e.type === 'TaskRetryScheduled');
  expect(retry).toMatchObject({ task_id: 'work', attempt: 1, data: { error: { type: 'Timeout.heartbeat' } } });
}, 120_000);
