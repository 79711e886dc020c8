/**
 * Events in across continue-as-new (docs/design.md §9, §11): a correlated wait and the callback URLs
 * of an execution keep working after its run continued as new — the event that names no execution
 * resumes the carried wait, a used callback URL answers its first answer again, and the approval's
 * callback URL issued in one run decides in the next. Runs continue after ~100 events
 * (`CADENZA_CONTINUE_AFTER_EVENTS`), so a flood of generic signals makes new runs.
 */
import { randomUUID } from 'node:crypto';
import { startApiContext, type ApiContext } from './api-context';
import { ExecutionDriver } from './execution-driver';

jest.setTimeout(180_000);

let ctx: ApiContext;
let api: ExecutionDriver;
const suffix = randomUUID().slice(0, 8);
const workflowId = `order-long-${suffix}`;
const eventName = `shipped.${suffix}`;

beforeAll(async () => {
  ctx = await startApiContext({ configEnv: { CADENZA_CONTINUE_AFTER_EVENTS: '100' } });
  api = new ExecutionDriver(ctx.app);
  await api.register({
    id: workflowId,
    input: { type: 'object', required: ['orderId'], properties: { orderId: { type: 'string' } } },
    tasks: [
      { id: 'ship', type: 'wait', wait_for: eventName, correlate: '{{ input.orderId }}', on_success: { next: 'approve' } },
      { id: 'approve', type: 'approval', approvers: { roles: ['finance'] }, on_approve: { next: 'done' }, on_reject: { next: 'done' } },
      { id: 'done', type: 'basic', tool: 'echo', with: { carrier: '{{ tasks.ship.output.carrier }}', decision: '{{ tasks.approve.output.decision }}' } },
    ],
    outputs: { carrier: '{{ tasks.done.output.carrier }}', decision: '{{ tasks.done.output.decision }}' },
  });
});

afterAll(async () => {
  await ctx?.close();
});

async function runsOf(id: string): Promise<number> {
  let runs = 0;
  for await (const _run of ctx.t.client.workflow.list({ query: `WorkflowId = '${id}'` })) runs++;
  return runs;
}

/** Generic signals until the execution has at least `runs` runs. */
async function floodUntilRuns(id: string, runs: number): Promise<void> {
  for (let sent = 0; (await runsOf(id)) < runs; sent += 20) {
    if (sent > 2000) throw new Error(`${id} did not reach ${runs} runs after ${sent} signals`);
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => api.post(`/api/v1/executions/${id}/signals/noise`, { payload: { i: sent + i } })));
    expect(answers.map((a) => a.statusCode)).toEqual(Array<number>(20).fill(202));
  }
}

function gateUrl(status: { pause?: { gates: Array<{ data: Record<string, unknown> }> } | null }): string {
  const url = status.pause?.gates[0]?.data.callback_url;
  expect(typeof url).toBe('string');
  return new URL(url as string).pathname;
}

it('a carried correlated wait is resumed by its event, and callback URLs work across runs', async () => {
  const orderId = `A-${suffix}`;
  const id = await api.trigger(workflowId, { orderId });
  const waiting = await api.waitForStatus(id, 'paused', (s) => s.pause?.reason === 'waiting_for_signal');
  const waitUrl = gateUrl(waiting);
  await floodUntilRuns(id, 2);

  // The event names no execution: the mailbox wakes the wait the second run carried.
  const routed = await api.post('/api/v1/events', { name: eventName, key: orderId, id: `evt-${suffix}`, payload: { carrier: 'ups' } });
  expect(routed.statusCode).toBe(200);
  expect(routed.json<{ resumed: Array<{ execution_id: string }> }>().resumed.map((r) => r.execution_id)).toEqual([id]);
  const approving = await api.waitForStatus(id, 'paused', (s) => s.pause?.reason === 'approval_required');
  const approvalUrl = gateUrl(approving);

  // The wait's URL, used by no one, expired with its gate; after another run it still says so.
  await floodUntilRuns(id, 3);
  expect((await ctx.app.inject({ method: 'POST', url: waitUrl, payload: { resume_data: { carrier: 'dhl' } } })).statusCode).toBe(410);

  // The approval's URL was issued in the second run and decides in the third, without a key.
  const decided = await ctx.app.inject({ method: 'POST', url: approvalUrl, payload: { decision: 'approve' } });
  expect(decided.statusCode).toBe(200);
  await api.waitForStatus(id, 'completed');
  expect((await api.execution(id)).outputs).toEqual({ carrier: 'ups', decision: 'approve' });
  const again = await ctx.app.inject({ method: 'POST', url: approvalUrl, payload: { decision: 'reject' } });
  expect({ status: again.statusCode, body: again.json<unknown>() }).toEqual({ status: 200, body: decided.json<unknown>() });

  const events = await api.events(id);
  expect(events.filter((e) => e.type === 'TaskWaitingResumed')).toHaveLength(1);
  expect(events.filter((e) => e.type === 'ApprovalDecided')).toHaveLength(1);
  expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
});
