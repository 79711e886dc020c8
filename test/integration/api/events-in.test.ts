/**
 * Events in through REST (docs/design.md §9): a correlated wait resumed by an event that names no
 * execution; the same event id again resumes nothing new; an early event kept and taken by the wait
 * that comes; events and waits racing (each wait resumed exactly once, no event lost); triggers
 * starting executions once per event id.
 */
import { randomUUID } from 'node:crypto';
import { startApiContext, type ApiContext } from './api-context';
import { ExecutionDriver } from './execution-driver';

jest.setTimeout(120_000);

let ctx: ApiContext;
let api: ExecutionDriver;
const suffix = randomUUID().slice(0, 8);
const waitDef = `order-wait-${suffix}`;
const triggered = `order-start-${suffix}`;
const eventName = `shipped.${suffix}`;

beforeAll(async () => {
  ctx = await startApiContext();
  api = new ExecutionDriver(ctx.app);
  await api.register({
    id: waitDef,
    input: { type: 'object', required: ['orderId'], properties: { orderId: { type: 'string' } } },
    tasks: [
      { id: 'ship', type: 'wait', wait_for: eventName, correlate: '{{ input.orderId }}', on_success: { next: 'notify' } },
      { id: 'notify', type: 'basic', tool: 'echo', with: { carrier: '{{ tasks.ship.output.carrier }}' } },
    ],
    outputs: { carrier: '{{ tasks.notify.output.carrier }}' },
  });
  await api.register({
    id: triggered,
    input: { type: 'object', required: ['orderId'], properties: { orderId: { type: 'string' } } },
    triggers: [{ event: `order.created.${suffix}`, schema: { type: 'object', required: ['orderId'] }, filter: 'payload.amount > 0', input: { orderId: '{{ payload.orderId }}' } }],
    tasks: [{ id: 'echo', type: 'basic', tool: 'echo', with: { orderId: '{{ input.orderId }}' } }],
    outputs: { orderId: '{{ tasks.echo.output.orderId }}' },
  });
});

afterAll(async () => {
  await ctx?.close();
});

interface Routing {
  id: string;
  started: Array<{ workflow_id: string; execution_id: string; deduplicated: boolean }>;
  skipped: Array<{ workflow_id: string; reason: string }>;
  resumed: Array<{ execution_id: string; task_id: string; task_exec_id: string }>;
  kept: boolean;
  duplicate: boolean;
}

async function send(body: Record<string, unknown>): Promise<Routing> {
  const res = await api.post('/api/v1/events', body);
  if (res.statusCode !== 200) throw new Error(`event: ${res.statusCode} ${res.body}`);
  return res.json<Routing>();
}

async function outputOf(id: string): Promise<unknown> {
  await api.waitForStatus(id, 'completed');
  return (await api.execution(id)).outputs;
}

async function resumedCount(id: string): Promise<number> {
  return (await api.events(id)).filter((e) => e.type === 'TaskWaitingResumed').length;
}

describe('correlated waits', () => {
  it('an event with the key resumes the wait; the same event id again resumes nothing new', async () => {
    const orderId = `A-${randomUUID()}`;
    const id = await api.trigger(waitDef, { orderId });
    await api.waitForStatus(id, 'paused', (s) => s.pause?.reason === 'waiting_for_signal');
    const first = await send({ name: eventName, key: orderId, payload: { carrier: 'ups' }, id: `evt-${orderId}` });
    expect(first).toMatchObject({ kept: false, duplicate: false, resumed: [{ execution_id: id, task_id: 'ship' }] });
    expect(await outputOf(id)).toEqual({ carrier: 'ups' });

    const again = await send({ name: eventName, key: orderId, payload: { carrier: 'dhl' }, id: `evt-${orderId}` });
    expect(again).toMatchObject({ duplicate: true, resumed: first.resumed, kept: false });
    expect(await resumedCount(id)).toBe(1);
    const resumedEvent = (await api.events(id)).find((e) => e.type === 'TaskWaitingResumed');
    expect(resumedEvent).toMatchObject({ actor: `event:${eventName}`, data: { resume_data: { carrier: 'ups' } } });
  });

  it('an event for another key leaves the wait waiting and is kept', async () => {
    const orderId = `B-${randomUUID()}`;
    const id = await api.trigger(waitDef, { orderId });
    await api.waitForStatus(id, 'paused');
    const other = await send({ name: eventName, key: `${orderId}-other`, payload: { carrier: 'x' } });
    expect(other).toMatchObject({ resumed: [], kept: true });
    expect((await api.status(id)).status).toBe('paused');
    await send({ name: eventName, key: orderId, payload: { carrier: 'fedex' } });
    expect(await outputOf(id)).toEqual({ carrier: 'fedex' });
  });

  it('an event that comes before the wait is kept and taken by the wait that comes', async () => {
    const orderId = `C-${randomUUID()}`;
    const early = await send({ name: eventName, key: orderId, payload: { carrier: 'early' } });
    expect(early).toMatchObject({ resumed: [], kept: true, duplicate: false });
    const id = await api.trigger(waitDef, { orderId });
    expect(await outputOf(id)).toEqual({ carrier: 'early' });
    expect(await resumedCount(id)).toBe(1);
    // Taken: a second execution for the same key waits for an event of its own.
    const second = await api.trigger(waitDef, { orderId });
    await api.waitForStatus(second, 'paused');
  });

  it('events and waits racing: every wait resumes exactly once with its own event, none is lost', async () => {
    const keys = Array.from({ length: 12 }, (_, i) => `R${i}-${randomUUID()}`);
    const results = await Promise.all(
      keys.map(async (orderId, i) => {
        // Half send the event first, half start first; all without waiting for each other.
        const event = () => send({ name: eventName, key: orderId, payload: { carrier: `c${i}` }, id: `race-${orderId}` });
        const start = () => api.trigger(waitDef, { orderId });
        const [a, b] = i % 2 === 0 ? await Promise.all([event(), start()]) : (await Promise.all([start(), event()])).reverse();
        return { orderId, i, routing: a as Routing, id: b as string };
      }),
    );
    for (const { id, i } of results) {
      expect(await outputOf(id)).toEqual({ carrier: `c${i}` });
      expect(await resumedCount(id)).toBe(1);
    }
    // Sent again, each is a duplicate; nothing is kept or resumed twice.
    for (const { orderId, i, routing } of results) {
      const again = await send({ name: eventName, key: orderId, payload: { carrier: `c${i}` }, id: `race-${orderId}` });
      expect(again).toMatchObject({ duplicate: true, resumed: routing.resumed, kept: routing.kept });
    }
  });
});

describe('triggers', () => {
  it('an event starts the matching definition once per event id; a filtered one starts nothing', async () => {
    const name = `order.created.${suffix}`;
    const eventId = `created-${randomUUID()}`;
    const first = await send({ name, payload: { orderId: 'O-1', amount: 5 }, id: eventId });
    expect(first.started).toEqual([{ workflow_id: triggered, workflow_version: 1, execution_id: expect.any(String), deduplicated: false }]);
    const executionId = first.started[0]!.execution_id;
    expect(await outputOf(executionId)).toEqual({ orderId: 'O-1' });

    const again = await send({ name, payload: { orderId: 'O-1', amount: 5 }, id: eventId });
    expect(again.started).toEqual([{ workflow_id: triggered, workflow_version: 1, execution_id: executionId, deduplicated: true }]);

    const filtered = await send({ name, payload: { orderId: 'O-2', amount: 0 } });
    expect(filtered.started).toEqual([]);
    expect(filtered.skipped).toEqual([{ workflow_id: triggered, reason: expect.stringContaining('filter') }]);
    const invalid = await send({ name, payload: { amount: 3 } });
    expect(invalid.skipped[0]?.reason).toMatch(/orderId/);
  });

  it('a bad event is a problem, not a 500', async () => {
    for (const body of [{}, { name: '1bad' }, { name: 'x', key: '' }, { name: 'x', id: 'has space' }, { name: 'x', extra: 1 }]) {
      const res = await api.post('/api/v1/events', body);
      expect(res.statusCode).toBe(400);
      expect(res.json<{ type: string }>().type).toBe('https://cadenza.dev/problems/validation_error');
    }
  });
});
