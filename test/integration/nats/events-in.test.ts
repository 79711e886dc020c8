/**
 * Events in over NATS (docs/design.md §9): an event published on `<p>.events.in.<name>` (stored by
 * JetStream, consumed by the API's durable consumer) resumes the correlated wait of an execution it
 * does not name; published again with the same id it resumes nothing new; one published before the
 * wait is kept and taken by it.
 */
import { randomUUID } from 'node:crypto';
import { headers as natsHeaders } from '@nats-io/transport-node';
import { mailboxWorkflowId } from '../../../src/events-in/mailbox-id';
import { mailboxQuery } from '../../../src/workflows/mailbox-messages';
import { eventsQuery, statusQuery } from '../../../src/workflows/messages';
import { waitFor } from '../harness';
import { type CommandHarness, OPERATOR_KEY, startCommandHarness } from './command-harness';

jest.setTimeout(120_000);

const definitionId = `nats-order-${randomUUID().slice(0, 8)}`;
let h: CommandHarness;

beforeAll(async () => {
  h = await startCommandHarness([
    {
      id: definitionId,
      version: 1,
      tasks: [
        { id: 'ship', type: 'wait', wait_for: 'shipped', correlate: '{{ input.orderId }}', on_success: { next: 'notify' } },
        { id: 'notify', type: 'basic', tool: 'echo', with: { carrier: '{{ tasks.ship.output.carrier }}' } },
      ],
      outputs: { carrier: '{{ tasks.notify.output.carrier }}' },
    },
  ]);
});

afterAll(async () => {
  await h?.close();
});

async function publishEvent(name: string, body: unknown): Promise<void> {
  const headers = natsHeaders();
  headers.set('Authorization', `Bearer ${OPERATOR_KEY}`);
  // A request: JetStream answers with its acknowledgement once the event is stored.
  const ack = await h.nc.request(`${h.prefix}.events.in.${name}`, JSON.stringify(body), { timeout: 10_000, headers });
  expect(ack.json<{ stream?: string }>().stream).toBeDefined();
}

async function start(orderId: string): Promise<string> {
  const reply = await h.command(`commands.workflow.${definitionId}.trigger`, { input: { orderId } });
  expect(reply.status).toBe(202);
  return (reply.reply as { result: { execution_id: string } }).result.execution_id;
}

async function completedOutputs(id: string): Promise<unknown> {
  const handle = h.t.client.workflow.getHandle(id);
  const result = await waitFor(async () => {
    const s = await handle.query(statusQuery);
    return s.status === 'completed' ? s : undefined;
  }, { what: `${id} completed`, timeoutMs: 30_000 });
  expect(result.status).toBe('completed');
  return ((await handle.result()) as { outputs: unknown }).outputs;
}

async function resumedCount(id: string): Promise<number> {
  const page = await h.t.client.workflow.getHandle(id).query(eventsQuery, { after: 0, limit: 1000 });
  return page.events.filter((e) => e.type === 'TaskWaitingResumed').length;
}

it('an event on <p>.events.in.<name> resumes the correlated wait; the same id again resumes nothing new', async () => {
  const orderId = `N-${randomUUID()}`;
  const id = await start(orderId);
  await waitFor(async () => ((await h.t.client.workflow.getHandle(id).query(statusQuery)).status === 'paused' ? true : undefined), { what: 'waiting' });
  await publishEvent('shipped', { key: orderId, payload: { carrier: 'nats-ups' }, id: `nats-${orderId}` });
  expect(await completedOutputs(id)).toEqual({ carrier: 'nats-ups' });
  await publishEvent('shipped', { key: orderId, payload: { carrier: 'again' }, id: `nats-${orderId}` });
  // A later event for the key, with a new id, is kept (no wait): the duplicate was not.
  await publishEvent('shipped', { key: orderId, payload: { carrier: 'later' }, id: `nats-later-${orderId}` });
  const next = await start(orderId);
  expect(await completedOutputs(next)).toEqual({ carrier: 'later' });
  expect(await resumedCount(id)).toBe(1);
});

it('an event published before the wait is kept and applied', async () => {
  const orderId = `E-${randomUUID()}`;
  await publishEvent('shipped', { key: orderId, payload: { carrier: 'early-nats' } });
  // Kept in its mailbox before the execution starts.
  const mailbox = h.t.client.workflow.getHandle(mailboxWorkflowId('shipped', orderId));
  await waitFor(async () => ((await mailbox.query(mailboxQuery).catch(() => undefined))?.kept.length === 1 ? true : undefined), { what: 'the event kept' });
  const id = await start(orderId);
  expect(await completedOutputs(id)).toEqual({ carrier: 'early-nats' });
  expect(await resumedCount(id)).toBe(1);
});
