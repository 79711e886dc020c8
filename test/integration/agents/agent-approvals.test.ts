/**
 * The shipped `workflows/support-triage.yaml` end to end over REST, against the fake model server:
 * a refund the model asks for waits at an approval gate (status, inbox, decision API); approve runs
 * it, reject gives the refusal to the model, approve with `data.arguments` runs it with the edited
 * arguments. Repairs at call level: an answer that misses the schema twice fails the task (the raw
 * answer in the task context); a `retry` with an edited prompt completes, and a `retry` without one
 * continues the conversation from its last good step, no tool call repeated.
 */
import { randomUUID } from 'node:crypto';
import { FakeModelServer, type FakeModelRequest, type FakeReply, reply, startTestWorker, type TestWorker } from '../harness';
import { startApiContext, type ApiContext } from '../api/api-context';
import { ExecutionDriver } from '../api/execution-driver';
import { agentToolCalls, tools as agentTools } from '../fixtures/agent-tools';
import { tools as testTools } from '../fixtures/test-tools';
import { supportTriageBody } from './agent-definitions';

jest.setTimeout(60_000);

const MODEL = 'fake-triage';
let fake: FakeModelServer;
let ctx: ApiContext;
let worker: TestWorker;
let ops: ExecutionDriver;
/** Each test's script, by ticket id (the prompt names it). */
const scripts = new Map<string, (request: FakeModelRequest, index: number) => FakeReply>();
const counts = new Map<string, number>();

function ticketOf(request: FakeModelRequest): string {
  const user = request.body.messages.find((m) => m.role === 'user');
  return /Ticket ([A-Za-z0-9-]+)/.exec(user?.content ?? '')?.[1] ?? '';
}

function requestsOf(ticket: string): FakeModelRequest[] {
  return fake.requestsFor(MODEL).filter((r) => ticketOf(r) === ticket);
}

function newTicket(script: (request: FakeModelRequest, index: number) => FakeReply): string {
  const ticket = `T-${randomUUID().slice(0, 8)}`;
  scripts.set(ticket, script);
  return ticket;
}

beforeAll(async () => {
  process.env.LLM_API_KEY = 'sk-support';
  fake = await FakeModelServer.start();
  fake.script(MODEL, (request) => {
    const ticket = ticketOf(request);
    const index = counts.get(ticket) ?? 0;
    counts.set(ticket, index + 1);
    return scripts.get(ticket)?.(request, index) ?? reply.status(404, `no script for ${ticket}`);
  });
  const taskQueue = `agents-api-${randomUUID()}`;
  ctx = await startApiContext({ worker: false, taskQueue, env: { LLM_BASE_URL: fake.baseUrl, LLM_MODEL: MODEL } });
  worker = await startTestWorker({ taskQueue, tools: [...testTools, ...agentTools] });
  ops = new ExecutionDriver(ctx.app);
  await ops.register(supportTriageBody());
});

afterAll(async () => {
  await worker?.shutdown();
  await ctx?.close();
  await fake?.close();
});

/** The model asks for a refund, then answers from whatever the tool result says. */
function refundScript(amount: number): (request: FakeModelRequest, index: number) => FakeReply {
  return (request, index) => {
    if (index === 0) return reply.toolCall('call_refund', 'refund', { order_id: 'A-100', amount, reason: 'charged twice' });
    const last = request.body.messages.at(-1);
    const result = JSON.parse(last?.content ?? 'null') as { refused?: boolean; refunded?: number };
    return reply.json({ category: 'billing', summary: result.refused ? 'refund refused by a human' : `refunded ${result.refunded}` });
  };
}

async function triggerTicket(ticket: string): Promise<string> {
  return ops.trigger('support-triage', { ticket_id: ticket, order_id: 'A-100', text: 'I was charged twice' });
}

async function awaitToolApproval(id: string): Promise<void> {
  const status = await ops.waitForStatus(id, 'paused', (s) => s.pause?.reason === 'approval_required');
  expect(status.pause).toMatchObject({ reason: 'approval_required', task_id: 'classify', gates: [{ reason: 'approval_required', data: { tool_call: { id: 'call_refund', name: 'refund' } } }] });
  const inbox = await ops.get('/api/v1/approvals?status=pending');
  const mine = inbox.json<{ items: Array<{ execution_id: string; tool_call?: unknown }> }>().items.find((a) => a.execution_id === id);
  expect(mine?.tool_call).toMatchObject({ name: 'refund', arguments: { order_id: 'A-100' } });
}

function refundCalls(ticketExec: string): Array<{ input: unknown }> {
  return agentToolCalls.filter((c) => c.tool === 'refund' && c.event === 'start' && c.task_exec_id === ticketExec);
}

it('approve runs the refund; the model reads its result', async () => {
  const ticket = newTicket(refundScript(40));
  const id = await triggerTicket(ticket);
  await awaitToolApproval(id);
  expect(refundCalls((await ops.taskContext(id, 'classify')).task_exec_id)).toHaveLength(0);
  const res = await ops.post(`/api/v1/executions/${id}/approvals/classify`, { decision: 'approve', comment: 'ok' });
  expect(res.statusCode).toBe(200);
  const done = await ops.waitForStatus(id, 'completed');
  expect(done.status).toBe('completed');
  const state = await ops.execution(id);
  expect(state.outputs).toEqual({ category: 'billing', summary: 'refunded 40' });
  const context = await ops.taskContext(id, 'classify');
  expect(refundCalls(context.task_exec_id).map((c) => c.input)).toEqual([{ order_id: 'A-100', amount: 40, reason: 'charged twice' }]);
  expect(context.agent?.tool_calls[0]).toMatchObject({ name: 'refund', status: 'succeeded', approval: { decision: 'approve', approver: 'anonymous', edited_arguments: false } });
  const kinds = (await ops.events(id)).filter((e) => e.task_id === 'classify').map((e) => e.type);
  expect(kinds).toEqual(['TaskScheduled', 'TaskDispatched', 'TaskExecutionStarted', 'AgentExecutionStarted', 'ApprovalRequested', 'ApprovalDecided', 'ToolExecutionStarted', 'ToolExecutionSuccess', 'AgentExecutionSuccess', 'TaskExecutionSuccess']);
});

it('reject gives the refusal back to the model as the tool result; the tool never runs', async () => {
  const ticket = newTicket(refundScript(40));
  const id = await triggerTicket(ticket);
  await awaitToolApproval(id);
  expect((await ops.post(`/api/v1/executions/${id}/approvals/classify`, { decision: 'reject', comment: 'not without a receipt' })).statusCode).toBe(200);
  await ops.waitForStatus(id, 'completed');
  expect((await ops.execution(id)).outputs).toEqual({ category: 'billing', summary: 'refund refused by a human' });
  const toolMessage = requestsOf(ticket)[1]!.body.messages.at(-1)!;
  expect(toolMessage).toMatchObject({ role: 'tool', tool_call_id: 'call_refund' });
  expect(JSON.parse(String(toolMessage.content))).toMatchObject({ refused: true, comment: 'not without a receipt' });
  const context = await ops.taskContext(id, 'classify');
  expect(refundCalls(context.task_exec_id)).toHaveLength(0);
  const failed = (await ops.events(id)).find((e) => e.type === 'ToolExecutionFailed');
  expect(failed?.data).toMatchObject({ tool: 'refund', call_id: 'call_refund', error: { type: 'ToolCallRejected' } });
});

it('approve with data.arguments runs the tool with the edited arguments', async () => {
  const ticket = newTicket(refundScript(40));
  const id = await triggerTicket(ticket);
  await awaitToolApproval(id);
  const edited = { order_id: 'A-100', amount: 20, reason: 'half, per policy' };
  expect((await ops.post(`/api/v1/executions/${id}/approvals/classify`, { decision: 'approve', data: { arguments: edited } })).statusCode).toBe(200);
  await ops.waitForStatus(id, 'completed');
  expect((await ops.execution(id)).outputs).toEqual({ category: 'billing', summary: 'refunded 20' });
  const context = await ops.taskContext(id, 'classify');
  expect(refundCalls(context.task_exec_id).map((c) => c.input)).toEqual([edited]);
  const started = (await ops.events(id)).find((e) => e.type === 'ToolExecutionStarted');
  expect(started?.data).toMatchObject({ tool: 'refund', arguments: edited, approval: { edited_arguments: true } });
});

it('an answer that misses the schema twice fails the task with the raw answer; a retry with an edited prompt completes', async () => {
  const ticket = newTicket((request) => {
    const prompt = request.body.messages.find((m) => m.role === 'user')?.content ?? '';
    return prompt.includes('EDITED') ? reply.json({ category: 'bug', summary: 'a crash' }) : reply.text('this is about billing, I think');
  });
  const id = await triggerTicket(ticket);
  const paused = await ops.waitForStatus(id, 'paused', (s) => s.pause?.reason === 'task_failed');
  expect(paused.pause?.gates[0]?.data).toMatchObject({ error: { type: 'AgentOutputInvalid' } });
  const failed = await ops.taskContext(id, 'classify');
  expect(failed.error).toMatchObject({ type: 'AgentOutputInvalid', details: { raw_output: 'this is about billing, I think' } });
  expect(failed.agent?.messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user', 'assistant']);
  expect(requestsOf(ticket)).toHaveLength(2);

  const res = await ops.post(`/api/v1/executions/${id}/resume`, { mode: 'retry', tasks: { classify: { input: { prompt: `Ticket ${ticket}: EDITED the app crashes on start` } } } });
  expect(res.statusCode).toBe(200);
  await ops.waitForStatus(id, 'completed');
  expect((await ops.execution(id)).outputs).toEqual({ category: 'bug', summary: 'a crash' });
  const context = await ops.taskContext(id, 'classify');
  expect(context.runs).toHaveLength(2);
  expect(context.agent?.messages[1]).toEqual({ role: 'user', content: `Ticket ${ticket}: EDITED the app crashes on start` });
});

it('a retry without a new prompt continues from the last good step: the tool result is kept, the tool does not run again', async () => {
  let failing = true;
  const ticket = newTicket((request) => {
    const last = request.body.messages.at(-1);
    if (last?.role === 'user' && !String(last.content).includes('does not match')) return reply.toolCall('call_lookup', 'lookup-order', { order_id: 'A-100' });
    return failing ? reply.text('not json') : reply.json({ category: 'billing', summary: 'charged twice' });
  });
  const id = await triggerTicket(ticket);
  await ops.waitForStatus(id, 'paused', (s) => s.pause?.reason === 'task_failed');
  failing = false;
  expect((await ops.post(`/api/v1/executions/${id}/resume`, { mode: 'retry', tasks: { classify: {} } })).statusCode).toBe(200);
  await ops.waitForStatus(id, 'completed');
  const context = await ops.taskContext(id, 'classify');
  expect(context.agent).toMatchObject({ continued_from: context.runs[0]!.task_exec_id, turns: 1 });
  // The new run's first request is the old conversation up to the tool result.
  const requests = requestsOf(ticket);
  expect(requests).toHaveLength(4);
  expect(requests[3]!.body.messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'tool']);
  const lookups = agentToolCalls.filter((c) => c.tool === 'lookup-order' && c.event === 'start' && context.runs.some((r) => r.task_exec_id === c.task_exec_id));
  expect(lookups).toHaveLength(1);
});
