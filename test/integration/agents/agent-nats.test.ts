/**
 * Seed 002 on NATS: an agent task with one tool call publishes its journal events on the task
 * execution's subjects in order (real nats-server, real worker, fake model), and the runtime and
 * worker components (and the api component's command service) emit `LogEmitted` lines on `<p>.events.log.<component>` — none in the journal.
 */
import { randomUUID } from 'node:crypto';
import type { NatsConnection } from '@nats-io/transport-node';
import { connectTestClient, FakeModelServer, inOrder, reply, type TestClient, waitFor } from '../harness';
import { tools as agentTools } from '../fixtures/agent-tools';
import { NatsLogEmitter } from '../../../src/events/log-emitter';
import { ExecutionCommandService } from '../../../src/executions/command-service';
import { connectNats, executionMessages, logMessages, natsConfig, natsNamesOf, startPublishingWorker, testPrefix } from '../nats/nats-context';
import { NatsTestServer } from '../nats/nats-test-server';
import { journal, startExecution } from '../workflow/start-execution';
import { agentDefinition, TEST_KEY_ENV } from './agent-definitions';

let nats: NatsTestServer;
let t: TestClient;
let nc: NatsConnection;
let fake: FakeModelServer;

beforeAll(async () => {
  process.env[TEST_KEY_ENV] = 'sk-nats';
  nats = await NatsTestServer.start();
  t = await connectTestClient();
  nc = await connectNats(nats.url);
  fake = await FakeModelServer.start();
});

afterAll(async () => {
  await fake?.close();
  await nc?.close();
  await t?.close();
  await nats?.dispose();
});

it('publishes seed 002 of an agent task in order, and LogEmitted lines of runtime and worker', async () => {
  const prefix = testPrefix();
  const names = natsNamesOf({ CADENZA_NATS_PREFIX: prefix, CADENZA_NATS_STREAM: undefined });
  const m = `nats-${randomUUID()}`;
  fake.script(m, inOrder(reply.toolCall('call_n1', 'lookup-order', { order_id: 'A-200' }), reply.json({ category: 'other' })));
  const taskQueue = `agent-nats-${randomUUID()}`;
  const worker = await startPublishingWorker(t, taskQueue, natsConfig(nats.url, prefix), { tools: agentTools });
  try {
    const handle = await startExecution(t.client, taskQueue, agentDefinition('agent-nats', fake.baseUrl, m), { ticket_id: 'T-n', text: 'where is my order' });
    expect((await handle.result()).status).toBe('completed');
    const events = await journal(handle);
    const messages = await waitFor(async () => {
      const found = await executionMessages(nc, names, handle.workflowId);
      return found.length >= events.length && found;
    }, { what: 'every journal event on NATS', timeoutMs: 30_000 });
    expect(messages.map((msg) => msg.event.seq)).toEqual(events.map((e) => e.seq));
    const run = events.find((e) => e.task_id === 'classify')!.task_exec_id!;
    const taskSubjects = messages.filter((msg) => msg.subject.includes(`.task.instance.${run}.`)).map((msg) => msg.subject.split('.').at(-1));
    expect(taskSubjects).toEqual(['scheduled', 'dispatched', 'started', 'agent_execution_started', 'tool_execution_started', 'tool_execution_success', 'agent_execution_success', 'completed']);
    const agentDone = messages.find((msg) => msg.event.type === 'AgentExecutionSuccess');
    expect(agentDone?.event.data).toMatchObject({ agent: 'triage', model: m, turns: 2, usage: { total_tokens: 30 } });

    const logs = await waitFor(async () => {
      const found = (await logMessages(nc, names)).filter((msg) => msg.event.execution_id === handle.workflowId);
      return found.some((msg) => msg.subject.endsWith('.log.worker')) && found.filter((msg) => msg.subject.endsWith('.log.runtime')).length >= 4 && found;
    }, { what: 'LogEmitted lines', timeoutMs: 15_000 });
    const runtime = logs.filter((msg) => msg.subject === `${prefix}.events.log.runtime`);
    expect(runtime[0]?.event).toMatchObject({ type: 'LogEmitted', component: 'runtime', execution_id: handle.workflowId, task_id: 'classify', task_exec_id: run });
    expect(logs.find((msg) => msg.subject === `${prefix}.events.log.worker`)?.event).toMatchObject({ component: 'worker', message: expect.stringContaining('lookup-order') });
    expect(events.some((e) => (e.type as string) === 'LogEmitted')).toBe(false);

    // The api component: a command on the execution (here refused: it has ended) is a log line too.
    const commands = new ExecutionCommandService({ client: t.client, log: new NatsLogEmitter(worker.publishing!.link, prefix).logger });
    await expect(commands.pause(handle.workflowId, { reason: 'too late' }, { actor: 'ops', roles: [] })).rejects.toThrow();
    const api = await waitFor(async () => (await logMessages(nc, names)).find((msg) => msg.subject === `${prefix}.events.log.api`), { what: 'an api LogEmitted line' });
    expect(api.event).toMatchObject({ type: 'LogEmitted', component: 'api', level: 'warn', execution_id: handle.workflowId, message: expect.stringContaining('pause refused') });
  } finally {
    await worker.shutdown();
  }
}, 90_000);
