/**
 * `workflows/support-triage.yaml` over REST against a model: the fake server by default, or the real
 * OpenAI-compatible endpoint named by LLM_BASE_URL (with LLM_MODEL and LLM_API_KEY). Whatever the
 * model does, every refund it asks for is approved, and the execution must complete with a category
 * of the schema.
 */
import { randomUUID } from 'node:crypto';
import { FakeModelServer, inOrder, reply, startTestWorker, type TestWorker, waitFor } from '../harness';
import { startApiContext, type ApiContext } from '../api/api-context';
import { ExecutionDriver } from '../api/execution-driver';
import { tools as agentTools } from '../fixtures/agent-tools';
import { supportTriageBody } from './agent-definitions';

const live = (process.env.LLM_BASE_URL ?? '') !== '';
let fake: FakeModelServer | undefined;
let ctx: ApiContext;
let worker: TestWorker;
let ops: ExecutionDriver;

beforeAll(async () => {
  let env: Record<string, string>;
  if (live) {
    env = { LLM_BASE_URL: process.env.LLM_BASE_URL ?? '', LLM_MODEL: process.env.LLM_MODEL ?? 'gpt-4.1-mini' };
  } else {
    fake = await FakeModelServer.start();
    fake.script('fake-live', inOrder(reply.toolCall('call_1', 'lookup-order', { order_id: 'A-100' }), reply.json({ category: 'billing', summary: 'charged twice' })));
    process.env.LLM_API_KEY ??= 'sk-fake';
    env = { LLM_BASE_URL: fake.baseUrl, LLM_MODEL: 'fake-live' };
  }
  const taskQueue = `agents-live-${randomUUID()}`;
  ctx = await startApiContext({ worker: false, taskQueue, env });
  worker = await startTestWorker({ taskQueue, tools: agentTools });
  ops = new ExecutionDriver(ctx.app);
  await ops.register(supportTriageBody());
});

afterAll(async () => {
  await worker?.shutdown();
  await ctx?.close();
  await fake?.close();
});

it(`triages a ticket end to end against ${live ? 'the endpoint in LLM_BASE_URL' : 'the fake model server'}`, async () => {
  const id = await ops.trigger('support-triage', { ticket_id: 'T-live', order_id: 'A-100', text: 'I was charged twice for order A-100, please refund one charge.' });
  const final = await waitFor(
    async () => {
      const status = await ops.status(id);
      if (status.pause?.reason === 'approval_required') await ops.post(`/api/v1/executions/${id}/approvals/classify`, { decision: 'approve', comment: 'test approves' });
      if (status.pause?.reason === 'task_failed') throw new Error(`the agent task failed: ${JSON.stringify(status.pause.gates[0]?.data)}`);
      return ['completed', 'failed'].includes(status.status) && status;
    },
    { what: 'the triage to finish', timeoutMs: live ? 170_000 : 30_000, intervalMs: 200 },
  );
  expect(final.status).toBe('completed');
  const outputs = (await ops.execution(id)).outputs as { category: string; summary: string };
  expect(['billing', 'bug', 'other']).toContain(outputs.category);
  expect(typeof outputs.summary).toBe('string');
  const context = await ops.taskContext(id, 'classify');
  expect(context.agent?.turns).toBeGreaterThanOrEqual(1);
  if (!live) expect(context.agent?.tool_calls.map((c) => c.name)).toEqual(['lookup-order']);
}, 180_000);
