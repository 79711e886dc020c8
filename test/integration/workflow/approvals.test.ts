/**
 * Seed 003 at the workflow level: an approval task pauses the execution with the seed's pause fields;
 * a decision (or the timeout) resumes it on `on_approve` / `on_reject`.
 */
import { WorkflowFailedError, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import type { ApplicationFailure } from '@temporalio/common';
import { useClientAndWorker } from '../harness';
import { tools } from '../fixtures/test-tools';
import type { DecideCommand } from '../../../src/workflows/commands';
import { decideSignal, decideUpdate, executionQuery, statusQuery, taskContextQuery } from '../../../src/workflows/messages';
import { definition, journal, startExecution, types } from './start-execution';
import { count, eventOf, paused, refusal, statusWhen } from './pause-resume-probes';

const env = useClientAndWorker({ tools });

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function orderApproval(approval: Record<string, unknown> = {}) {
  return definition({
    id: 'order-approval',
    tasks: [
      { id: 'prepare', type: 'basic', tool: 'echo', with: { order: '{{ input.orderId }}' }, on_success: { next: 'approve' } },
      {
        id: 'approve',
        type: 'approval',
        approvers: { roles: ['finance'], users: ['carol'] },
        message: 'approve order {{ input.orderId }}?',
        decision_schema: { type: 'object', properties: { note: { type: 'string' } }, additionalProperties: false },
        on_approve: { next: 'charge' },
        on_reject: { next: 'rejected' },
        ...approval,
      },
      { id: 'charge', type: 'basic', tool: 'echo', with: { charged: '{{ input.orderId }}', by: '{{ tasks.approve.output.approver }}' }, final: true },
      { id: 'rejected', type: 'basic', tool: 'echo', with: { rejected: '{{ input.orderId }}', decision: '{{ tasks.approve.output.decision }}' } },
    ],
    outputs: { decision: '{{ tasks.approve.output.decision }}' },
  });
}

const approve = (extra: Partial<DecideCommand> = {}): DecideCommand => ({ task_id: 'approve', decision: 'approve', actor: 'alice', roles: ['finance'], ...extra });

describe('approval decided', () => {
  it('pauses with reason approval_required, then an approval completes the execution via on_approve', async () => {
    const handle = await startExecution(env.t.client, env.w.taskQueue, orderApproval(), { orderId: 'o-1' });
    const status = await paused(handle);
    expect(status.pause).toMatchObject({ reason: 'approval_required', task_id: 'approve', next_task_id: 'charge', paused_at: expect.any(String), resume_data: null });
    expect(Date.parse(status.pause!.paused_at)).not.toBeNaN();
    expect(status.pause?.gates).toHaveLength(1);
    expect(status.pause?.gates[0]).toMatchObject({ reason: 'approval_required', data: { approvers: { roles: ['finance'], users: ['carol'] }, message: 'approve order o-1?', expires_at: null } });
    expect(await eventOf(handle, 'ApprovalRequested', 'approve')).toMatchObject({ data: { message: 'approve order o-1?' } });

    const decided = await handle.executeUpdate(decideUpdate, { args: [approve({ comment: 'fine', data: { note: 'checked' } })] });
    expect(decided.status).not.toBe('paused');
    const result = await handle.result();
    expect(result).toMatchObject({ status: 'completed', outputs: { decision: 'approve' } });

    const out = (await handle.query(taskContextQuery, 'approve'))?.output;
    expect(out).toEqual({ decision: 'approve', approver: 'alice', comment: 'fine', data: { note: 'checked' }, decided_at: expect.any(String) });
    expect((await handle.query(taskContextQuery, 'charge'))?.output).toEqual({ charged: 'o-1', by: 'alice' });
    expect(await handle.query(taskContextQuery, 'rejected')).toBeNull();

    const events = await journal(handle);
    expect(types(events, 'approve')).toEqual(['TaskScheduled', 'ApprovalRequested', 'ApprovalDecided', 'TaskExecutionSuccess']);
    expect(events.find((e) => e.type === 'ApprovalDecided')).toMatchObject({ actor: 'alice', data: { decision: 'approve', comment: 'fine' } });
    expect(count(events, 'WorkflowExecutionPaused')).toBe(1);
    expect(count(events, 'WorkflowExecutionResumed')).toBe(1);
  });

  it('follows on_reject on a rejection (decided by a listed user, through the signal)', async () => {
    const handle = await startExecution(env.t.client, env.w.taskQueue, orderApproval(), { orderId: 'o-2' });
    await paused(handle);
    await handle.signal(decideSignal, { task_id: 'approve', decision: 'reject', actor: 'carol', comment: 'too much' });
    const result = await handle.result();
    expect(result.outputs).toEqual({ decision: 'reject' });
    expect((await handle.query(taskContextQuery, 'rejected'))?.output).toEqual({ rejected: 'o-2', decision: 'reject' });
    expect(await handle.query(taskContextQuery, 'charge')).toBeNull();
    expect((await journal(handle)).find((e) => e.type === 'ApprovalDecided')).toMatchObject({ actor: 'carol', data: { decision: 'reject', comment: 'too much' } });
  });

  it('refuses a caller who is not an approver, and data that violates decision_schema', async () => {
    const handle = await startExecution(env.t.client, env.w.taskQueue, orderApproval(), { orderId: 'o-3' });
    await paused(handle);
    const before = (await journal(handle)).length;

    const wrong = await refusal(handle.executeUpdate(decideUpdate, { args: [approve({ actor: 'mallory', roles: ['sales'] })] }));
    expect(wrong.type).toBe('approver_not_allowed');
    expect(wrong.message).toContain('mallory');
    expect(wrong.message).toContain('role finance');

    const invalid = await refusal(handle.executeUpdate(decideUpdate, { args: [approve({ data: { note: 42 } })] }));
    expect(invalid.type).toBe('decision_invalid');
    expect(invalid.message).toContain('note');

    const unknownTask = await refusal(handle.executeUpdate(decideUpdate, { args: [approve({ task_id: 'charge' })] }));
    expect(unknownTask.type).toBe('approval_not_pending');

    // Refused updates leave nothing behind; the approval still waits.
    expect(await journal(handle)).toHaveLength(before);
    expect((await handle.query(statusQuery)).pause?.reason).toBe('approval_required');

    // A refused signal is journaled instead.
    await handle.signal(decideSignal, approve({ actor: 'mallory', roles: [] }));
    const rejected = await eventOf(handle, 'CommandRejected');
    expect(rejected).toMatchObject({ actor: 'mallory', data: { command: 'decide', type: 'approver_not_allowed' } });

    await handle.executeUpdate(decideUpdate, { args: [approve({ data: { note: 'ok' } })] });
    expect((await handle.result()).outputs).toEqual({ decision: 'approve' });
  });
});

describe('approval timeouts', () => {
  it.each([
    ['approve', 'charge'],
    ['reject', 'rejected'],
  ])('on_timeout %s decides as system:timeout and goes to %s', async (onTimeout, next) => {
    const handle = await startExecution(env.t.client, env.w.taskQueue, orderApproval({ timeout: '300ms', on_timeout: onTimeout }), { orderId: 'o-t' });
    const status = await paused(handle);
    expect(status.pause?.gates[0]?.data).toMatchObject({ on_timeout: onTimeout, expires_at: expect.any(String) });
    const result = await handle.result();
    expect(result.outputs).toEqual({ decision: onTimeout });
    expect((await handle.query(taskContextQuery, 'approve'))?.output).toMatchObject({ decision: onTimeout, approver: 'system:timeout', data: null });
    expect((await handle.query(taskContextQuery, next))?.status).toBe('succeeded');
    const events = await journal(handle);
    expect(count(events, 'ApprovalDecided')).toBe(1);
    expect(events.find((e) => e.type === 'ApprovalDecided')).toMatchObject({ actor: 'system:timeout', data: { decision: onTimeout } });
  });

  it('on_timeout fail fails the execution with the approval timed out', async () => {
    const handle = await startExecution(env.t.client, env.w.taskQueue, orderApproval({ timeout: '300ms', on_timeout: 'fail' }), { orderId: 'o-f' });
    const err: unknown = await handle.result().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    const ctx = await handle.query(taskContextQuery, 'approve');
    expect(ctx).toMatchObject({ status: 'timed_out', error: { type: 'Timeout.approval' } });
    const events = await journal(handle);
    expect(count(events, 'ApprovalDecided')).toBe(0);
    expect(events.at(-1)).toMatchObject({ type: 'WorkflowExecutionFailed', task_id: 'approve' });
    // Nobody can decide any more.
    await expect(handle.executeUpdate(decideUpdate, { args: [approve()] })).rejects.toThrow();
  });

  it('a decision racing the timeout yields exactly one ApprovalDecided', async () => {
    const def = orderApproval({ timeout: '1s', on_timeout: 'reject' });
    // Decisions sent every 40 ms from just before `expires_at` to well after it: the timer fires
    // somewhere in between (when depends on the server's load), so both orders happen, and the
    // ones near the firing instant race it.
    const offsets = Array.from({ length: 21 }, (_, i) => -100 + i * 40);
    const outcomes = await Promise.all(
      offsets.map(async (offset) => {
        const handle = await startExecution(env.t.client, env.w.taskQueue, def, { orderId: `race${offset}` });
        const requested = await eventOf(handle, 'ApprovalRequested', 'approve');
        await sleep(Math.max(0, Date.parse(String(requested.data.expires_at)) + offset - Date.now()));
        const decision = await handle.executeUpdate(decideUpdate, { args: [approve()] }).then(
          () => 'decision' as const,
          (err: unknown) => {
            // Too late: the timeout decided first (the validator says so), or the execution already ended.
            if (err instanceof WorkflowUpdateFailedError) expect((err.cause as ApplicationFailure).type).toBe('approval_not_pending');
            else expect(err).toBeInstanceOf(WorkflowNotFoundError);
            return 'timeout' as const;
          },
        );
        const result = await handle.result();
        const decided = (await journal(handle)).filter((e) => e.type === 'ApprovalDecided');
        const output = (await handle.query(taskContextQuery, 'approve'))?.output as { decision: string; approver: string };
        return { offset, decision, decided, output, result };
      }),
    );
    for (const o of outcomes) {
      expect({ offset: o.offset, decided: o.decided.length }).toEqual({ offset: o.offset, decided: 1 });
      const only = o.decided[0]!;
      // The one decision is the one that took effect, whoever won.
      expect(only.actor).toBe(o.decision === 'decision' ? 'alice' : 'system:timeout');
      expect(o.output).toMatchObject({ decision: only.data.decision, approver: only.actor });
      expect(o.result.outputs).toEqual({ decision: only.data.decision });
    }
    expect(new Set(outcomes.map((o) => o.decision))).toEqual(new Set(['decision', 'timeout']));
  });
});

describe('gates per branch', () => {
  it('an approval in one parallel branch does not hold the other branch', async () => {
    const def = definition({
      id: 'branch-gate',
      tasks: [
        {
          id: 'fan',
          type: 'parallel',
          on_success: { next: 'join' },
          branches: [
            { id: 'gated', tasks: [{ id: 'sign-off', type: 'approval', on_approve: { next: 'after-sign-off' } }, { id: 'after-sign-off', type: 'basic', tool: 'echo', with: { signed: true } }] },
            {
              id: 'free',
              tasks: [
                { id: 'work', type: 'basic', tool: 'stall', with: { ms: 300, output: 'worked' }, on_success: { next: 'more-work' } },
                { id: 'more-work', type: 'basic', tool: 'echo', with: { got: '{{ tasks.work.output }}' } },
              ],
            },
          ],
        },
        { id: 'join', type: 'basic', tool: 'echo', with: { free: '{{ tasks.fan.output.branches.free.output.got }}' } },
      ],
    });
    const handle = await startExecution(env.t.client, env.w.taskQueue, def);
    // While the free branch works, the execution is running with an open gate.
    const running = await statusWhen(handle, (s) => s.active_tasks.includes('sign-off') && s.active_tasks.includes('work'), 'both branches active');
    expect(running.status).toBe('running');

    const status = await paused(handle);
    expect(status.pause).toMatchObject({ reason: 'approval_required', task_id: 'sign-off', next_task_id: 'after-sign-off' });
    expect(status.pause?.gates[0]?.branch).toBe('fan/gated');
    expect((await handle.query(taskContextQuery, 'more-work'))).toMatchObject({ status: 'succeeded', output: { got: 'worked' }, branch: 'fan/free' });
    const view = await handle.query(executionQuery);
    expect(view.tasks.find((x) => x.task_id === 'fan')?.status).toBe('running');
    expect(await handle.query(taskContextQuery, 'after-sign-off')).toBeNull();

    await handle.executeUpdate(decideUpdate, { args: [{ task_id: 'sign-off', decision: 'approve', actor: 'anyone' }] });
    expect((await handle.result()).status).toBe('completed');
    expect((await handle.query(taskContextQuery, 'join'))?.output).toEqual({ free: 'worked' });
  });
});
