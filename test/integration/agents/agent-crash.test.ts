/**
 * A worker (`src/worker.ts` in a child process) is SIGKILLed between two tool calls of an agent,
 * while the model call between them is in flight. Another worker process takes over: the loop
 * resumes where it was, the lost model call is made again, no tool call runs twice (the tools log
 * every idempotency key they see), and the final answer is right.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { connectTestClient, FakeModelServer, reply, type TestClient, waitFor, WorkerProcesses } from '../harness';
import { journal, startExecution, types } from '../workflow/start-execution';
import { agentDefinition, TEST_KEY_ENV } from './agent-definitions';

let t: TestClient;
let fake: FakeModelServer;
const workers = new WorkerProcesses();
const toolLog = path.join(mkdtempSync(path.join(tmpdir(), 'cadenza-agent-crash-')), 'tools.jsonl');

beforeAll(async () => {
  process.env[TEST_KEY_ENV] = 'sk-crash';
  t = await connectTestClient();
  fake = await FakeModelServer.start();
});

afterAll(async () => {
  workers.killAll();
  await fake?.close();
  await t?.close();
});

interface ToolLine {
  tool: string;
  idempotency_key: string;
  event: 'start' | 'done';
  input: { step: string };
  pid: number;
}

function toolLines(): ToolLine[] {
  if (!existsSync(toolLog)) return [];
  return readFileSync(toolLog, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as ToolLine);
}

it('resumes the loop after a SIGKILL between two tool calls; no tool call repeats', async () => {
  const m = `crash-${randomUUID()}`;
  let slowDone = false;
  fake.script(m, (request) => {
    const last = request.body.messages.at(-1) as { role: string; tool_call_id?: string };
    if (last.role === 'user') return reply.toolCall('call_1', 'pause-step', { step: 'one' });
    if (last.tool_call_id === 'call_1') {
      // The first time, slow enough for the test to kill the worker while it waits.
      const delay = slowDone ? 0 : 30_000;
      slowDone = true;
      return reply.toolCall('call_2', 'pause-step', { step: 'two' }, delay);
    }
    return reply.json({ category: 'other' });
  });
  const taskQueue = `agent-crash-${randomUUID()}`;
  const options = { address: t.address, namespace: t.namespace, taskQueue, toolsModule: 'test/integration/fixtures/agent-tools.ts', env: { CADENZA_TEST_TOOL_LOG: toolLog, LOG_LEVEL: 'error' }, stderr: 'ignore' as const };
  const first = workers.start(options);
  const handle = await startExecution(t.client, taskQueue, agentDefinition('agent-crash', fake.baseUrl, m), { ticket_id: 'T-crash', text: 'two steps' });
  await waitFor(() => fake.requestsFor(m).length === 2 && toolLines().some((l) => l.event === 'done' && l.input.step === 'one'), { what: 'tool call one done, model call two in flight', timeoutMs: 60_000 });

  first.kill('SIGKILL');
  await new Promise((r) => first.once('exit', r));
  workers.start(options);

  const result = await handle.result();
  expect(result).toMatchObject({ status: 'completed', outputs: { category: 'other' } });

  const starts = toolLines().filter((l) => l.event === 'start');
  expect(starts.map((l) => l.input.step)).toEqual(['one', 'two']);
  expect(new Set(starts.map((l) => l.idempotency_key)).size).toBe(2);
  expect(new Set(starts.map((l) => l.pid)).size).toBe(2);
  // The model call lost with the worker was made again; nothing else was.
  expect(fake.requestsFor(m)).toHaveLength(4);
  const events = await journal(handle);
  expect(types(events, 'classify').filter((type) => type.startsWith('Tool'))).toEqual(['ToolExecutionStarted', 'ToolExecutionSuccess', 'ToolExecutionStarted', 'ToolExecutionSuccess']);
}, 150_000);
