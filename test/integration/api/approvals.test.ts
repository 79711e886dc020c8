/**
 * Seed 003 end to end through REST, with API keys: an approval task pauses the execution with the
 * seed's pause fields; the approver is the authenticated caller; approve and reject paths; a wrong
 * approver is 403; a decision_schema violation is 422; the caller's inbox and `awaiting=me`.
 */
import type { ExecutionView } from '../../../src/workflows/contracts';
import { waitFor } from '../harness';
import { expectProblem, startApiContext, type ApiContext } from './api-context';
import { ExecutionDriver } from './execution-driver';

jest.setTimeout(60_000);

const keys = {
  admin: { key: 'admin-key-0123456789abcdef', name: 'ops', permissions: ['*'] },
  alice: { key: 'alice-key-0123456789abcdef', name: 'alice', permissions: ['approvals:decide', 'executions:read'], roles: ['finance'] },
  bob: { key: 'bob-key-0123456789abcdef00', name: 'bob', permissions: ['approvals:decide', 'executions:read'], roles: ['sales'] },
  carol: { key: 'carol-key-0123456789abcdef', name: 'carol', permissions: ['approvals:decide', 'executions:read'] },
};

let ctx: ApiContext;
let ops: ExecutionDriver;

/** Seed 003's order approval: big orders wait for finance; the charge names who approved. */
const orderApproval = {
  id: 'order-approval',
  input: { type: 'object', required: ['orderId', 'amount'], properties: { orderId: { type: 'string' }, amount: { type: 'number' } } },
  tasks: [
    { id: 'route', type: 'router', condition: 'input.amount > 1000', routes: { true: 'approve', false: 'charge' } },
    {
      id: 'approve',
      type: 'approval',
      approvers: { roles: ['finance'] },
      message: 'Approve order {{ input.orderId }} of {{ input.amount }}',
      decision_schema: { type: 'object', required: ['note'], properties: { note: { type: 'string', minLength: 1 } } },
      on_approve: { next: 'charge' },
      on_reject: { next: 'rejected' },
    },
    { id: 'charge', type: 'basic', tool: 'echo', with: { order: '{{ input.orderId }}' }, final: true },
    { id: 'rejected', type: 'basic', tool: 'echo', with: { rejected: '{{ input.orderId }}' }, final: true },
  ],
};

function outputOf(state: ExecutionView, taskId: string): unknown {
  return state.tasks.find((t) => t.task_id === taskId)?.output;
}

beforeAll(async () => {
  ctx = await startApiContext({ apiKeys: Object.values(keys) });
  ops = new ExecutionDriver(ctx.app, keys.admin.key);
  await ops.register(orderApproval);
  await ops.register({
    id: 'carol-only',
    tasks: [{ id: 'sign', type: 'approval', approvers: { users: ['carol'] }, on_approve: { next: 'done' } }, { id: 'done', type: 'basic', tool: 'echo', with: {} }],
  });
  await ops.register({ id: 'anyone-approves', tasks: [{ id: 'ok', type: 'approval' }] });
});

afterAll(async () => {
  await ctx?.close();
});

function decide(id: string, body: unknown, key: string, task = 'approve') {
  return ops.post(`/api/v1/executions/${id}/approvals/${task}`, body, { key });
}

describe('docs/design.md §14.3: approval through REST', () => {
  it('pauses with approval_required, lists it for the right approvers, refuses the wrong ones, and completes on approve', async () => {
    const id = await ops.trigger('order-approval', { orderId: 'A-1', amount: 5000 });
    const paused = await ops.waitForStatus(id, 'paused');
    expect(paused.pause).toEqual({
      paused_at: expect.any(String),
      reason: 'approval_required',
      task_id: 'approve',
      next_task_id: 'charge',
      resume_data: null,
      gates: [
        expect.objectContaining({
          task_id: 'approve',
          task_exec_id: expect.any(String),
          reason: 'approval_required',
          next_task_id: 'charge',
          data: expect.objectContaining({ approvers: { roles: ['finance'] }, message: 'Approve order A-1 of 5000' }),
        }),
      ],
    });
    expect(Date.parse(paused.pause!.paused_at)).not.toBeNaN();

    // Inbox: alice holds the finance role; bob does not.
    const inbox = await waitFor(
      async () => {
        const res = await ops.get('/api/v1/approvals?status=pending', keys.alice.key);
        expect(res.statusCode).toBe(200);
        const items = res.json<{ items: Array<Record<string, unknown>> }>().items.filter((i) => i.execution_id === id);
        return items.length > 0 ? items : undefined;
      },
      { what: 'the approval in alice’s inbox' },
    );
    expect(inbox).toEqual([
      expect.objectContaining({
        execution_id: id,
        workflow_id: 'order-approval',
        task_id: 'approve',
        message: 'Approve order A-1 of 5000',
        approvers: { roles: ['finance'] },
        next_task_id: 'charge',
        links: expect.objectContaining({ decide: `/api/v1/executions/${id}/approvals/approve` }),
      }),
    ]);
    const bobsInbox = await ops.get('/api/v1/approvals', keys.bob.key);
    expect(bobsInbox.json<{ items: Array<{ execution_id: string }> }>().items.map((i) => i.execution_id)).not.toContain(id);

    const mine = await ops.get('/api/v1/executions?status=paused&awaiting=me', keys.alice.key);
    expect(mine.statusCode).toBe(200);
    expect(mine.json<{ items: Array<{ execution_id: string; awaiting: string[] }> }>().items).toContainEqual(
      expect.objectContaining({ execution_id: id, status: 'paused', awaiting: ['role:finance'] }),
    );
    const bobs = await ops.get('/api/v1/executions?status=paused&awaiting=me', keys.bob.key);
    expect(bobs.json<{ items: Array<{ execution_id: string }> }>().items.map((i) => i.execution_id)).not.toContain(id);

    // Wrong approver: 403 from the workflow's validator.
    const wrong = await decide(id, { decision: 'approve', data: { note: 'me too' } }, keys.bob.key);
    expect(expectProblem(wrong, 403, 'approver_not_allowed')).toMatchObject({ execution_id: id, command: 'decide' });
    // decision_schema violation: 422 with the paths.
    const invalid = await decide(id, { decision: 'approve', data: {} }, keys.alice.key);
    expect(expectProblem(invalid, 422, 'decision_invalid').errors).toEqual([expect.objectContaining({ message: expect.stringContaining('note') })]);
    // The body can never name the approver.
    const spoofed = await decide(id, { decision: 'approve', data: { note: 'x' }, approver: 'mallory' }, keys.alice.key);
    expect(expectProblem(spoofed, 400, 'validation_error').errors[0]?.path).toBe('body');
    // Refusals leave the execution as it was.
    expect((await ops.status(id)).status).toBe('paused');

    const approved = await decide(id, { decision: 'approve', comment: 'within budget', data: { note: 'ok' } }, keys.alice.key);
    expect(approved.statusCode).toBe(200);
    expect(approved.json()).toMatchObject({ execution_id: id });

    await ops.waitForStatus(id, 'completed');
    const state = await ops.execution(id);
    expect(outputOf(state, 'approve')).toEqual({ decision: 'approve', approver: 'alice', comment: 'within budget', data: { note: 'ok' }, decided_at: expect.any(String) });
    expect(state.tasks.map((t) => [t.task_id, t.status])).toEqual([
      ['route', 'succeeded'],
      ['approve', 'succeeded'],
      ['charge', 'succeeded'],
    ]);
    const events = await ops.events(id);
    const decided = events.find((e) => e.type === 'ApprovalDecided');
    expect(decided).toMatchObject({ task_id: 'approve', actor: 'alice', data: expect.objectContaining({ decision: 'approve' }) });
    const types = events.map((e) => e.type);
    expect(types.indexOf('ApprovalRequested')).toBeLessThan(types.indexOf('WorkflowExecutionPaused'));
    expect(types.indexOf('ApprovalDecided')).toBeLessThan(types.lastIndexOf('WorkflowExecutionResumed'));
    expect(types.at(-1)).toBe('WorkflowExecutionSuccess');
    expect(types).not.toContain('CommandRejected');

    // Decided and closed: nothing to decide any more.
    expectProblem(await decide(id, { decision: 'reject', data: { note: 'late' } }, keys.alice.key), 409, 'execution_closed');
    await waitFor(async () => {
      const res = await ops.get('/api/v1/approvals', keys.alice.key);
      return !res.json<{ items: Array<{ execution_id: string }> }>().items.some((i) => i.execution_id === id);
    }, { what: 'the decided approval to leave the inbox' });
  });

  it('follows on_reject when the approver rejects', async () => {
    const id = await ops.trigger('order-approval', { orderId: 'B-2', amount: 2000 });
    await ops.waitForStatus(id, 'paused');
    const res = await decide(id, { decision: 'reject', comment: 'too expensive', data: { note: 'no' } }, keys.alice.key);
    expect(res.statusCode).toBe(200);
    await ops.waitForStatus(id, 'completed');
    const state = await ops.execution(id);
    expect(state.tasks.map((t) => t.task_id)).toEqual(['route', 'approve', 'rejected']);
    expect(outputOf(state, 'approve')).toMatchObject({ decision: 'reject', approver: 'alice', comment: 'too expensive' });
  });

  it('lets a listed user decide, and anyone holding approvals:decide when no approvers are named', async () => {
    const id = await ops.trigger('carol-only');
    await ops.waitForStatus(id, 'paused');
    expectProblem(await decide(id, { decision: 'approve' }, keys.alice.key, 'sign'), 403, 'approver_not_allowed');
    const carolsInbox = await waitFor(async () => {
      const res = await ops.get('/api/v1/approvals', keys.carol.key);
      return res.json<{ items: Array<{ execution_id: string }> }>().items.find((i) => i.execution_id === id);
    }, { what: 'carol’s inbox' });
    expect(carolsInbox).toMatchObject({ task_id: 'sign', approvers: { users: ['carol'] } });
    expect((await decide(id, { decision: 'approve' }, keys.carol.key, 'sign')).statusCode).toBe(200);
    await ops.waitForStatus(id, 'completed');

    const open = await ops.trigger('anyone-approves');
    await ops.waitForStatus(open, 'paused');
    const bobSees = await waitFor(async () => {
      const res = await ops.get('/api/v1/executions?awaiting=me', keys.bob.key);
      return res.json<{ items: Array<{ execution_id: string; awaiting: string[] }> }>().items.find((i) => i.execution_id === open);
    }, { what: 'bob to see the open approval' });
    expect(bobSees.awaiting).toEqual(['anyone']);
    expect((await decide(open, { decision: 'approve' }, keys.bob.key, 'ok')).statusCode).toBe(200);
    await ops.waitForStatus(open, 'completed');
  });

  it('maps the other refusals: unknown task 404, nothing pending 409, unknown execution 404, bad bodies 400', async () => {
    const id = await ops.trigger('order-approval', { orderId: 'C-3', amount: 10 });
    await ops.waitForStatus(id, 'completed');
    const other = await ops.trigger('anyone-approves');
    await ops.waitForStatus(other, 'paused');
    expectProblem(await decide(other, { decision: 'approve' }, keys.alice.key, 'nothere'), 404, 'task_not_found');
    expectProblem(await decide(id, { decision: 'approve' }, keys.alice.key), 409, 'execution_closed');
    expectProblem(await decide('order-approval-00000000-0000-4000-8000-000000000000', { decision: 'approve' }, keys.alice.key), 404, 'execution_not_found');
    for (const body of [{ decision: 'maybe' }, {}, { decision: 'approve', comment: 7 }, [1]]) {
      expectProblem(await decide(other, body, keys.alice.key, 'ok'), 400, 'validation_error');
    }
    expectProblem(await decide(other, { decision: 'approve' }, keys.alice.key, '9bad'), 400, 'validation_error');
    // Still pending after all of that.
    expect((await ops.status(other)).pause?.reason).toBe('approval_required');
    expect((await decide(other, { decision: 'reject' }, keys.alice.key, 'ok')).statusCode).toBe(200);
  });
});
