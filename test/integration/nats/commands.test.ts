/**
 * Commands over NATS (docs/design.md §4, §6) against a real nats-server and Temporal: docs/design.md §14.0 end to end
 * (a waiting task woken by `<p>.commands.task.<workflow_id>.resume.<task_exec_id>`), then every
 * command valid and invalid, with API-key authentication in message headers, the REST problem
 * types in the replies, and CommandRejected in the journal for refused commands.
 */
import { randomUUID } from 'node:crypto';
import { headers as natsHeaders, type NatsConnection } from '@nats-io/transport-node';
import type { Client } from '@temporalio/client';
import { type Config, loadConfig } from '../../../src/config';
import { DefinitionSchema } from '../../../src/definitions/schema';
import { DefinitionStore } from '../../../src/definitions/store';
import { type CommandIntake, startCommandIntake } from '../../../src/events/command-intake';
import type { CommandReply } from '../../../src/events/command-messages';
import type { NatsNames } from '../../../src/events/nats-config';
import type { JournalEvent } from '../../../src/workflows/events';
import { eventsQuery, statusQuery } from '../../../src/workflows/messages';
import { connectTestClient, type TestClient, waitFor } from '../harness';
import { connectNats, executionMessages, natsConfig, natsNamesOf, type PublishingWorker, startPublishingWorker, type StreamMessage, testPrefix } from './nats-context';
import { NatsTestServer } from './nats-test-server';

const OPERATOR = 'operator-key-0123456789abcdef';
const READER = 'reader-key-0123456789abcdef00';
const CLERK = 'clerk-key-0123456789abcdef000';

let nats: NatsTestServer;
let t: TestClient;
let nc: NatsConnection;
let prefix: string;
let names: NatsNames;
let worker: PublishingWorker;
let intake: CommandIntake;
let config: Config;

beforeAll(async () => {
  nats = await NatsTestServer.start();
  t = await connectTestClient();
  nc = await connectNats(nats.url);
  prefix = testPrefix();
  names = natsNamesOf({ CADENZA_NATS_PREFIX: prefix, CADENZA_NATS_STREAM: undefined });
  const taskQueue = `nats-cmd-${randomUUID()}`;
  worker = await startPublishingWorker(t, taskQueue, natsConfig(nats.url, prefix));
  config = loadConfig({
    CADENZA_TASK_QUEUE: taskQueue,
    TEMPORAL_NAMESPACE: t.namespace,
    LOG_LEVEL: 'silent',
    NATS_URL: nats.url,
    CADENZA_NATS_PREFIX: prefix,
    CADENZA_API_KEYS: JSON.stringify([
      { key: OPERATOR, name: 'operator', permissions: ['*'], roles: ['finance'] },
      { key: READER, name: 'reader', permissions: ['executions:read'] },
      { key: CLERK, name: 'clerk', permissions: ['approvals:decide'] },
    ]),
  });
  const definitions = new DefinitionStore({ client: t.client, taskQueue, registryId: `registry-${randomUUID()}` });
  for (const body of [seed000, napping, approval]) await definitions.put(DefinitionSchema.parse(body));
  intake = startCommandIntake({ config, client: t.client, definitions });
  expect(await intake.link.whenUsable(10_000)).toBe(true);
});

afterAll(async () => {
  await intake?.close();
  await worker?.shutdown();
  await nc?.close();
  await t?.close();
  await nats?.dispose();
});

const seed000 = {
  id: 'seed-000',
  version: 1,
  tasks: [
    {
      id: 'ask',
      type: 'basic',
      tool: 'nats-ask',
      with: { wait_reason: 'Waiting for user approval', resume_conditions: { answer: 'yes or no' } },
      on_success: { next: 'after' },
    },
    { id: 'after', type: 'basic', tool: 'echo', with: { answer: '{{ tasks.ask.output.answer.answer }}' } },
  ],
  outputs: { answer: '{{ tasks.after.output.answer }}' },
};

const napping = {
  id: 'napping',
  version: 1,
  input: { type: 'object', required: ['ms'], properties: { ms: { type: 'number' } } },
  tasks: [
    { id: 'nap1', type: 'basic', tool: 'nap', with: { ms: '{{ input.ms }}' }, on_success: { next: 'nap2' } },
    { id: 'nap2', type: 'basic', tool: 'nap', with: { ms: '{{ input.ms }}' } },
  ],
};

const approval = {
  id: 'spend',
  version: 1,
  tasks: [
    {
      id: 'approve',
      type: 'approval',
      approvers: { roles: ['finance'] },
      decision_schema: { type: 'object', properties: { note: { type: 'string' } } },
      on_approve: { next: 'done' },
      on_reject: { next: 'done' },
    },
    { id: 'done', type: 'basic', tool: 'echo', with: { ok: true } },
  ],
};

/** Sends a command and returns the reply and its status header. */
async function command(subject: string, body: unknown, key: string | null = OPERATOR, extra: Record<string, string> = {}): Promise<{ reply: CommandReply; status: number }> {
  const h = natsHeaders();
  if (key !== null) h.set('Authorization', `Bearer ${key}`);
  for (const [k, v] of Object.entries(extra)) h.set(k, v);
  const msg = await nc.request(`${prefix}.${subject}`, body === undefined ? '' : JSON.stringify(body), { timeout: 20_000, headers: h });
  return { reply: msg.json<CommandReply>(), status: Number(msg.headers?.get('Cadenza-Status')) };
}

function expectProblem(reply: CommandReply, status: number, slug: string): Record<string, unknown> {
  expect(reply.ok).toBe(false);
  if (reply.ok) throw new Error('expected a problem');
  expect({ status: reply.problem.status, type: reply.problem.type }).toEqual({ status, type: `https://cadenza.dev/problems/${slug}` });
  return reply.problem;
}

function resultOf<T>(reply: CommandReply): T {
  if (!reply.ok) throw new Error(`command refused: ${JSON.stringify(reply.problem)}`);
  return reply.result as T;
}

async function trigger(workflowId: string, input: unknown = {}): Promise<string> {
  const { reply, status } = await command(`commands.workflow.${workflowId}.trigger`, { input });
  expect(status).toBe(202);
  return resultOf<{ execution_id: string }>(reply).execution_id;
}

async function journalOf(client: Client, executionId: string): Promise<JournalEvent[]> {
  return (await client.workflow.getHandle(executionId).query(eventsQuery, { limit: 1000 })).events;
}

async function streamOf(executionId: string, until: (m: StreamMessage[]) => boolean, what: string): Promise<StreamMessage[]> {
  return waitFor(async () => {
    const m = await executionMessages(nc, names, executionId);
    return until(m) && m;
  }, { what, timeoutMs: 20_000 });
}

it('runs docs/design.md §14.0: a task waits, a NATS TaskResume wakes it, and the events arrive on the seeds\' subjects in order', async () => {
  const x = await trigger('seed-000');
  const waiting = await streamOf(x, (m) => m.some((e) => e.event.type === 'TaskWaitingStarted'), 'waiting_started on NATS');
  const waitingStarted = waiting.find((m) => m.event.type === 'TaskWaitingStarted')!;
  const ask = waitingStarted.event.task_exec_id!;
  expect(waitingStarted.subject).toBe(`${prefix}.events.task.instance.${ask}.waiting_started`);
  expect(waitingStarted.event).toMatchObject({
    workflow_id: 'seed-000',
    workflow_exec_id: x,
    task_id: 'ask',
    task_exec_id: ask,
    wait_reason: 'Waiting for user approval',
    resume_conditions: { answer: 'yes or no' },
  });

  // The external system answers on the seed's command subject, knowing only the workflow and the task execution.
  const { reply, status } = await command(`commands.task.seed-000.resume.${ask}`, { resume_data: { answer: 'yes' } });
  expect(status).toBe(200);
  expect(resultOf<{ execution_id: string }>(reply)).toMatchObject({ execution_id: x });
  const result = await t.client.workflow.getHandle(x).result();
  expect(result.outputs).toEqual({ answer: 'yes' });

  const journal = await journalOf(t.client, x);
  const messages = await streamOf(x, (m) => m.length === journal.length, 'every event on NATS');
  const after = journal.find((e) => e.task_id === 'after' && e.type === 'TaskScheduled')!.task_exec_id!;
  const wf = `${prefix}.events.workflow.instance.${x}`;
  const t1 = `${prefix}.events.task.instance.${ask}`;
  const t2 = `${prefix}.events.task.instance.${after}`;
  expect(messages.map((m) => m.subject)).toEqual([
    `${wf}.started`,
    `${t1}.scheduled`,
    `${t1}.dispatched`,
    `${t1}.started`,
    `${t1}.waiting_started`,
    `${wf}.paused`,
    `${t1}.waiting_resumed`,
    `${wf}.resumed`,
    `${t1}.dispatched`,
    `${t1}.started`,
    `${t1}.completed`,
    `${t2}.scheduled`,
    `${t2}.dispatched`,
    `${t2}.started`,
    `${t2}.completed`,
    `${wf}.completed`,
  ]);
  expect(messages.map((m) => m.msgId)).toEqual(journal.map((e) => e.id));
  const resumed = messages.find((m) => m.event.type === 'TaskWaitingResumed')!.event;
  expect(resumed).toMatchObject({ workflow_exec_id: x, task_id: 'ask', task_exec_id: ask, resume_data: { answer: 'yes' }, actor: 'operator', data: { via: 'taskResume' } });
  expect(messages.find((m) => m.subject === `${t1}.completed`)!.event).toMatchObject({ outputs: { answer: { answer: 'yes' } } });
  expect(messages.at(-1)!.event).toMatchObject({ type: 'WorkflowExecutionSuccess', outputs: { answer: 'yes' } });
});

describe('trigger', () => {
  it('starts an execution as the caller, and replays it for the same Idempotency-Key', async () => {
    const first = await command('commands.workflow.napping.trigger', { input: { ms: 1 } }, OPERATOR, { 'Idempotency-Key': 'order-77' });
    const again = await command('commands.workflow.napping.trigger', { input: { ms: 1 } }, OPERATOR, { 'Idempotency-Key': 'order-77' });
    expect(resultOf(first.reply)).toMatchObject({ workflow_id: 'napping', workflow_version: 1, status: 'running', replayed: false });
    const id = resultOf<{ execution_id: string }>(first.reply).execution_id;
    expect(resultOf(again.reply)).toMatchObject({ execution_id: id, replayed: true });
    const started = (await journalOf(t.client, id))[0]!;
    expect(started.data).toMatchObject({ trigger: { source: 'nats', actor: 'operator', idempotency_key: 'order-77' } });
  });

  it('refuses an unknown definition, invalid input and unknown fields with the REST problem types', async () => {
    expectProblem((await command('commands.workflow.nosuch.trigger', {})).reply, 404, 'workflow_not_found');
    expect(expectProblem((await command('commands.workflow.napping.trigger', { input: { ms: 'soon' } })).reply, 422, 'input_invalid')).toMatchObject({ workflow_id: 'napping' });
    expect(expectProblem((await command('commands.workflow.napping.trigger', { inputs: {} })).reply, 400, 'validation_error')).toMatchObject({
      errors: [{ path: 'body', message: 'unknown field(s): inputs' }],
    });
    expectProblem((await command('commands.workflow.napping.trigger', undefined, OPERATOR)).reply, 422, 'input_invalid');
  });
});

describe('pause, resume, cancel', () => {
  it('pauses and resumes an execution; an invalid pause is refused and journaled as CommandRejected', async () => {
    const x = await trigger('napping', { ms: 1500 });
    await waitFor(async () => (await journalOf(t.client, x)).some((e) => e.type === 'TaskDispatched'), { what: 'nap1 dispatched' });

    const bad = await command(`commands.workflow.napping.pause.${x}`, { mode: 'sideways' });
    expect(bad.status).toBe(400);
    expect(expectProblem(bad.reply, 400, 'command_invalid')).toMatchObject({ execution_id: x, command: 'pause', journaled: true });
    const rejected = await waitFor(async () => (await journalOf(t.client, x)).find((e) => e.type === 'CommandRejected'), { what: 'CommandRejected' });
    expect(rejected).toMatchObject({ actor: 'operator', data: { command: 'pause', type: 'command_invalid', payload: { mode: 'sideways', actor: 'operator' } } });
    const onNats = await streamOf(x, (m) => m.some((e) => e.event.type === 'CommandRejected'), 'CommandRejected on NATS');
    expect(onNats.find((m) => m.event.type === 'CommandRejected')!.subject).toBe(`${prefix}.events.workflow.instance.${x}.command_rejected`);

    const paused = await command(`commands.workflow.napping.pause.${x}`, { reason: 'look first', mode: 'graceful' });
    expect(paused.status).toBe(200);
    expect(resultOf(paused.reply)).toMatchObject({ execution_id: x, status: expect.stringMatching(/^paus(ing|ed)$/) });
    // A second pause is refused, and the refusal journaled too (recording it never applies it).
    expect(expectProblem((await command(`commands.workflow.napping.pause.${x}`, {})).reply, 409, 'already_paused')).toMatchObject({ journaled: true });
    await waitFor(async () => (await journalOf(t.client, x)).find((e) => e.type === 'CommandRejected' && e.data.type === 'already_paused'), { what: 'already_paused journaled' });

    await waitFor(async () => {
      const s = await t.client.workflow.getHandle(x).query(statusQuery);
      if (s.status !== 'paused') throw new Error(`status ${s.status}`);
      return true;
    }, { what: 'paused', timeoutMs: 15_000 });
    const plan = await command(`commands.workflow.napping.resume.${x}`, { dry_run: true });
    expect(resultOf(plan.reply)).toMatchObject({ dry_run: true, plan: { ok: true }, status: null });
    const resumed = await command(`commands.workflow.napping.resume`, { execution_id: x, reason: 'looked' });
    expect(resultOf(resumed.reply)).toMatchObject({ execution_id: x, dry_run: false, plan: { ok: true }, status: { status: 'running' } });
    expect((await t.client.workflow.getHandle(x).result()).status).toBe('completed');
    const journal = await journalOf(t.client, x);
    expect(journal.find((e) => e.type === 'WorkflowExecutionResumed')).toMatchObject({ actor: 'operator', data: { reason: 'looked' } });
  });

  it('refuses a resume of an execution that is not paused, and a cancel of a closed one', async () => {
    const x = await trigger('napping', { ms: 1 });
    await t.client.workflow.getHandle(x).result();
    expectProblem((await command(`commands.workflow.napping.resume.${x}`, {})).reply, 409, 'execution_closed');
    expectProblem((await command(`commands.workflow.napping.cancel.${x}`, {})).reply, 409, 'execution_closed');

    const y = await trigger('napping', { ms: 3000 });
    expect(expectProblem((await command(`commands.workflow.napping.resume.${y}`, {})).reply, 409, 'not_paused')).toMatchObject({ journaled: true });
    await waitFor(async () => (await journalOf(t.client, y)).find((e) => e.type === 'CommandRejected' && e.data.type === 'not_paused'), { what: 'not_paused journaled' });
  });

  it('cancels a running execution', async () => {
    const x = await trigger('napping', { ms: 5000 });
    const { reply, status } = await command(`commands.workflow.napping.cancel.${x}`, {});
    expect(status).toBe(202);
    expect(resultOf(reply)).toEqual({ execution_id: x, status: 'running', cancel_requested: true });
    const messages = await streamOf(x, (m) => m.some((e) => e.event.type === 'WorkflowExecutionCancelled'), 'cancelled on NATS');
    expect(messages.at(-1)!.subject).toBe(`${prefix}.events.workflow.instance.${x}.cancelled`);
  });

  it('takes a fire-and-forget command (no reply subject) the same way', async () => {
    const x = await trigger('napping', { ms: 3000 });
    const h = natsHeaders();
    h.set('Authorization', `Bearer ${OPERATOR}`);
    nc.publish(`${prefix}.commands.workflow.napping.pause.${x}`, JSON.stringify({ reason: 'no reply wanted' }), { headers: h });
    const paused = await waitFor(async () => (await journalOf(t.client, x)).find((e) => e.type === 'WorkflowExecutionPaused'), { what: 'the pause', timeoutMs: 15_000 });
    expect(paused).toMatchObject({ actor: 'operator' });
    await command(`commands.workflow.napping.cancel.${x}`, {});
  });

  it('refuses an execution of another definition, a subject without an execution, and an unknown command', async () => {
    const x = await trigger('napping', { ms: 1 });
    expectProblem((await command(`commands.workflow.spend.pause.${x}`, {})).reply, 404, 'execution_not_found');
    expect(expectProblem((await command('commands.workflow.napping.pause', {})).reply, 400, 'validation_error')).toMatchObject({ errors: [{ path: 'subject' }] });
    expectProblem((await command(`commands.workflow.napping.explode.${x}`, {})).reply, 404, 'route_not_found');
    expectProblem((await command('commands.workflow.napping.pause.x.y', {})).reply, 404, 'route_not_found');
    expectProblem((await command(`commands.workflow.napping.pause.${x}`, ['a list'])).reply, 400, 'validation_error');
    const h = natsHeaders();
    h.set('Authorization', `Bearer ${OPERATOR}`);
    const broken = await nc.request(`${prefix}.commands.workflow.napping.pause.${x}`, '{not json', { timeout: 20_000, headers: h });
    expectProblem(broken.json<CommandReply>(), 400, 'malformed_body');
  });
});

describe('task resume and approvals', () => {
  it('refuses a TaskResume for an unknown task execution', async () => {
    expectProblem((await command(`commands.task.seed-000.resume.${randomUUID()}`, { resume_data: {} })).reply, 404, 'task_not_found');
  });

  it('decides an approval addressed by its task_exec_id; a caller outside the approvers is refused and journaled', async () => {
    const x = await trigger('spend');
    const requested = (await streamOf(x, (m) => m.some((e) => e.event.type === 'ApprovalRequested'), 'ApprovalRequested on NATS')).find(
      (m) => m.event.type === 'ApprovalRequested',
    )!;
    const taskExecId = requested.event.task_exec_id!;
    expect(requested.subject).toBe(`${prefix}.events.task.instance.${taskExecId}.approval_requested`);

    const refused = await command(`commands.task.spend.decide.${taskExecId}`, { decision: 'approve' }, CLERK);
    expect(refused.status).toBe(403);
    expect(expectProblem(refused.reply, 403, 'approver_not_allowed')).toMatchObject({ journaled: true });
    await waitFor(async () => (await journalOf(t.client, x)).find((e) => e.type === 'CommandRejected' && e.actor === 'clerk'), { what: 'the refusal journaled' });
    expectProblem((await command(`commands.task.spend.decide.${taskExecId}`, { decision: 'maybe' })).reply, 400, 'command_invalid');
    expectProblem((await command(`commands.task.spend.decide.${taskExecId}`, { decision: 'approve', data: { note: 7 } })).reply, 422, 'decision_invalid');

    const ok = await command(`commands.task.spend.decide.${taskExecId}`, { decision: 'approve', comment: 'fine', data: { note: 'ok' } });
    expect(resultOf(ok.reply)).toMatchObject({ execution_id: x });
    expect((await t.client.workflow.getHandle(x).result()).status).toBe('completed');
    const decided = (await journalOf(t.client, x)).find((e) => e.type === 'ApprovalDecided');
    expect(decided).toMatchObject({ actor: 'operator', task_exec_id: taskExecId, data: { decision: 'approve', approver: 'operator', comment: 'fine' } });
    expectProblem((await command(`commands.task.spend.decide.${taskExecId}`, { decision: 'approve' })).reply, 409, 'execution_closed');
  });
});

describe('who may send commands', () => {
  it('needs an API key with the command\'s permission in the message headers', async () => {
    const x = await trigger('napping', { ms: 1 });
    expectProblem((await command(`commands.workflow.napping.pause.${x}`, {}, null)).reply, 401, 'unauthenticated');
    expectProblem((await command(`commands.workflow.napping.pause.${x}`, {}, 'not-a-key-0123456789abcdef')).reply, 401, 'unauthenticated');
    expect(expectProblem((await command(`commands.workflow.napping.pause.${x}`, {}, READER)).reply, 403, 'forbidden')).toMatchObject({
      required_permission: 'execution:pause',
      actor: 'reader',
    });
    expectProblem((await command('commands.workflow.napping.trigger', { input: { ms: 1 } }, CLERK)).reply, 403, 'forbidden');
  });
});
