/**
 * Agent tasks against the fake OpenAI-compatible server and a real Temporal dev server: seed 002's
 * sequence, activity ids per model and tool call, conversation in the task context, provider errors
 * (429 and 5xx retried, 4xx not), an unreadable answer, a missing key, limits, structured-output
 * repair and failure, and cancellation reaching the HTTP request.
 */
import { randomUUID } from 'node:crypto';
import { FakeModelServer, inOrder, reply, useClientAndWorker, waitFor } from '../harness';
import { agentToolCalls, tools } from '../fixtures/agent-tools';
import { journal, startExecution, types } from '../workflow/start-execution';
import { pauseUpdate, resumeUpdate, taskContextQuery } from '../../../src/workflows/messages';
import { agentDefinition, TEST_KEY_ENV } from './agent-definitions';

const ctx = useClientAndWorker({ tools });
let fake: FakeModelServer;

beforeAll(async () => {
  fake = await FakeModelServer.start();
  process.env[TEST_KEY_ENV] = 'sk-test-key';
});
afterAll(async () => {
  await fake?.close();
});

function model(): string {
  return `m-${randomUUID()}`;
}

async function activityIds(workflowId: string): Promise<string[]> {
  const history = await ctx.t.client.workflow.getHandle(workflowId).fetchHistory();
  return (history.events ?? []).flatMap((e) => (e.activityTaskScheduledEventAttributes?.activityId ? [e.activityTaskScheduledEventAttributes.activityId] : []));
}

it('runs seed 002: one tool call between two model calls, events in order, the conversation in task context', async () => {
  const m = model();
  fake.script(m, inOrder(reply.toolCall('call_abc', 'lookup-order', { order_id: 'A-100' }), reply.json({ category: 'billing' })));
  const handle = await startExecution(ctx.t.client, ctx.w.taskQueue, agentDefinition('agent-seed', fake.baseUrl, m), { ticket_id: 'T-1', text: 'charged twice' });
  const result = await handle.result();
  expect(result).toMatchObject({ status: 'completed', outputs: { category: 'billing' } });

  const events = await journal(handle);
  expect(types(events, 'classify')).toEqual([
    'TaskScheduled',
    'TaskDispatched',
    'TaskExecutionStarted',
    'AgentExecutionStarted',
    'ToolExecutionStarted',
    'ToolExecutionSuccess',
    'AgentExecutionSuccess',
    'TaskExecutionSuccess',
  ]);
  const success = events.find((e) => e.type === 'AgentExecutionSuccess');
  expect(success?.data).toMatchObject({ agent: 'triage', model: m, turns: 2, usage: { prompt_tokens: 20, completion_tokens: 10, total_tokens: 30 }, output: { category: 'billing' } });
  const tool = events.find((e) => e.type === 'ToolExecutionSuccess');
  expect(tool?.data).toMatchObject({ tool: 'lookup-order', call_id: 'call_abc', arguments: { order_id: 'A-100' }, result: { order_id: 'A-100', status: 'delivered' } });

  expect(await activityIds(handle.workflowId)).toEqual(['classify/model#1', 'classify/tool/lookup-order#call_abc', 'classify/model#2']);

  const requests = fake.requestsFor(m);
  expect(requests).toHaveLength(2);
  expect(requests[0]!.authorization).toBe('Bearer sk-test-key');
  const body = requests[0]!.body as { messages: unknown[]; tools: Array<{ function: { name: string; parameters: Record<string, unknown> } }>; temperature: number; response_format: unknown };
  expect(body.messages).toEqual([
    { role: 'system', content: 'You triage tickets. Ticket T-1.' },
    { role: 'user', content: 'Ticket T-1: charged twice' },
  ]);
  expect(body.temperature).toBe(0);
  expect(body.response_format).toMatchObject({ type: 'json_schema' });
  const lookup = body.tools.find((t) => t.function.name === 'lookup-order');
  expect(lookup?.function.parameters).toMatchObject({ type: 'object', properties: { order_id: { type: 'string' } }, required: ['order_id'] });
  // The second call carries the tool's result under the model's call id.
  expect(requests[1]!.body.messages.at(-1)).toMatchObject({ role: 'tool', tool_call_id: 'call_abc' });
  expect(JSON.parse(String(requests[1]!.body.messages.at(-1)!.content))).toMatchObject({ order_id: 'A-100' });

  const context = await handle.query(taskContextQuery, 'classify');
  expect(context?.agent).toMatchObject({ turns: 2, usage: { total_tokens: 30 }, tool_calls: [{ id: 'call_abc', name: 'lookup-order', status: 'succeeded' }] });
  expect(context?.agent?.messages.map((msg) => msg.role)).toEqual(['system', 'user', 'assistant', 'tool', 'assistant']);
  const keys = agentToolCalls.filter((c) => c.task_exec_id === context?.task_exec_id && c.event === 'start').map((c) => c.idempotency_key);
  expect(keys).toEqual([`${handle.workflowId}:${context!.task_exec_id}:call_abc`]);
}, 60_000);

it('retries 429, 5xx and an unreadable answer with the task retry policy', async () => {
  const m = model();
  fake.script(m, inOrder(reply.status(429, 'slow down'), reply.status(503), reply.invalidJson(), reply.json({ category: 'bug' })));
  const handle = await startExecution(ctx.t.client, ctx.w.taskQueue, agentDefinition('agent-retry', fake.baseUrl, m, { task: { retry: { maximum_attempts: 5, initial_interval: '100ms' } } }), { ticket_id: 'T-2', text: 'x' });
  expect(await handle.result()).toMatchObject({ status: 'completed', outputs: { category: 'bug' } });
  expect(fake.requestsFor(m)).toHaveLength(4);
}, 60_000);

it('does not retry a 4xx: the task fails with the provider message', async () => {
  const m = model();
  fake.script(m, inOrder(reply.status(400, 'bad tools')));
  const handle = await startExecution(ctx.t.client, ctx.w.taskQueue, agentDefinition('agent-4xx', fake.baseUrl, m), { ticket_id: 'T-3', text: 'x' });
  await expect(handle.result()).rejects.toThrow();
  expect(fake.requestsFor(m)).toHaveLength(1);
  const context = await handle.query(taskContextQuery, 'classify');
  expect(context?.error).toMatchObject({ type: 'ModelRequestRejected', non_retryable: true });
  expect(context?.error?.message).toMatch(/400.*bad tools/);
  expect(types(await journal(handle), 'classify')).toContain('AgentExecutionFailed');
}, 60_000);

it('fails the task with a clear error when the key variable is not set, without calling the model', async () => {
  const m = model();
  const handle = await startExecution(ctx.t.client, ctx.w.taskQueue, agentDefinition('agent-nokey', fake.baseUrl, m, { agent: { model: { base_url: fake.baseUrl, name: m, api_key_env: 'CADENZA_TEST_UNSET_KEY' } } }), { ticket_id: 'T-4', text: 'x' });
  await expect(handle.result()).rejects.toThrow();
  const context = await handle.query(taskContextQuery, 'classify');
  expect(context?.error).toMatchObject({ type: 'AgentKeyMissing', message: expect.stringContaining('CADENZA_TEST_UNSET_KEY') });
  expect(fake.requestsFor(m)).toHaveLength(0);
}, 60_000);

it('asks once more on an answer that misses the schema, then fails with the raw answer kept', async () => {
  const m = model();
  fake.script(m, inOrder(reply.text('it is billing'), reply.json({ category: 'refunds' })));
  const handle = await startExecution(ctx.t.client, ctx.w.taskQueue, agentDefinition('agent-schema', fake.baseUrl, m), { ticket_id: 'T-5', text: 'x' });
  await expect(handle.result()).rejects.toThrow();
  const requests = fake.requestsFor(m);
  expect(requests).toHaveLength(2);
  expect(String(requests[1]!.body.messages.at(-1)!.content)).toMatch(/does not match the required output schema/);
  const context = await handle.query(taskContextQuery, 'classify');
  expect(context?.error).toMatchObject({ type: 'AgentOutputInvalid', details: { raw_output: '{"category":"refunds"}' } });
  expect(context?.agent?.raw_output).toBe('{"category":"refunds"}');
}, 60_000);

it('stops at max_turns and at max_tokens', async () => {
  const m = model();
  fake.script(m, (_r, i) => reply.toolCall(`call_${i}`, 'lookup-order', { order_id: 'A-200' }));
  const turns = await startExecution(ctx.t.client, ctx.w.taskQueue, agentDefinition('agent-turns', fake.baseUrl, m, { agent: { max_turns: 2 } }), { ticket_id: 'T-6', text: 'x' });
  await expect(turns.result()).rejects.toThrow();
  expect((await turns.query(taskContextQuery, 'classify'))?.error).toMatchObject({ type: 'AgentTurnLimit' });
  expect(fake.requestsFor(m)).toHaveLength(2);

  const m2 = model();
  fake.script(m2, (_r, i) => reply.toolCall(`call_${i}`, 'lookup-order', { order_id: 'A-200' }));
  const tokens = await startExecution(ctx.t.client, ctx.w.taskQueue, agentDefinition('agent-tokens', fake.baseUrl, m2, { agent: { max_tokens: 20 } }), { ticket_id: 'T-7', text: 'x' });
  await expect(tokens.result()).rejects.toThrow();
  expect((await tokens.query(taskContextQuery, 'classify'))?.error).toMatchObject({ type: 'AgentTokenLimit' });
  expect(fake.requestsFor(m2)).toHaveLength(2);
}, 60_000);

it('aborts the HTTP request of a slow model call on cancel', async () => {
  const m = model();
  fake.script(m, inOrder(reply.text('{"category":"other"}', 20_000)));
  const handle = await startExecution(ctx.t.client, ctx.w.taskQueue, agentDefinition('agent-cancel', fake.baseUrl, m), { ticket_id: 'T-8', text: 'x' });
  await waitFor(() => fake.requestsFor(m).length === 1, { what: 'the model call' });
  await handle.cancel();
  await expect(handle.result()).rejects.toThrow();
  await waitFor(() => fake.requestsFor(m)[0]!.aborted, { what: 'the aborted HTTP request', timeoutMs: 10_000 });
  expect(types(await journal(handle), 'classify')).toEqual(expect.arrayContaining(['AgentExecutionFailed', 'TaskExecutionCancelled']));
}, 60_000);

it('an immediate pause aborts the model call; the resume makes it again and the loop completes', async () => {
  const m = model();
  fake.script(m, inOrder(reply.text('{"category":"other"}', 20_000), reply.json({ category: 'other' })));
  const handle = await startExecution(ctx.t.client, ctx.w.taskQueue, agentDefinition('agent-pause', fake.baseUrl, m), { ticket_id: 'T-9', text: 'x' });
  await waitFor(() => fake.requestsFor(m).length === 1, { what: 'the model call' });
  await handle.executeUpdate(pauseUpdate, { args: [{ mode: 'immediate', reason: 'look at it' }] });
  await waitFor(() => fake.requestsFor(m)[0]!.aborted, { what: 'the aborted HTTP request', timeoutMs: 10_000 });
  await handle.executeUpdate(resumeUpdate, { args: [{ mode: 'continue' }] });
  expect(await handle.result()).toMatchObject({ status: 'completed', outputs: { category: 'other' } });
  expect(await activityIds(handle.workflowId)).toEqual(['classify/model#1', 'classify/model#1']);
}, 60_000);
