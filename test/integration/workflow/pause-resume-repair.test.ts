/**
 * Seed 004 at the workflow level: a failed task with `on_error: {pause: true}` (or `on_task_failure:
 * pause`) opens a task_failed gate; a resume re-runs it (with a new input or a patched inbound
 * context) or skips it with a supplied output, and says what is missing before changing anything.
 */
import { useClientAndWorker } from '../harness';
import { recorded, tools } from '../fixtures/test-tools';
import { eventsQuery, resumePlanQuery, resumeUpdate, statusQuery, taskContextQuery } from '../../../src/workflows/messages';
import { definition, journal, startExecution, types } from './start-execution';
import { count, eventOf, paused, refusal, statusWhen } from './pause-resume-probes';

const env = useClientAndWorker({ tools });

/** prepare → charge (fails unless input.ok) → receipt (records what it got). */
function repairable(options: { pauseBy?: 'on_error' | 'config'; outputSchema?: Record<string, unknown> } = {}) {
  return definition({
    id: 'repairable',
    ...(options.pauseBy === 'config' && { config: { on_task_failure: 'pause' } }),
    tasks: [
      { id: 'prepare', type: 'basic', tool: 'echo', with: { ready: true }, on_success: { next: 'charge' } },
      {
        id: 'charge',
        type: 'basic',
        tool: 'check',
        with: { ok: '{{ input.ok }}', value: '{{ input.value }}' },
        retry: { maximum_attempts: 2, initial_interval: '50ms' },
        on_success: { next: 'receipt' },
        ...(options.pauseBy !== 'config' && { on_error: { pause: true } }),
        ...(options.outputSchema !== undefined && { output_schema: options.outputSchema }),
      },
      { id: 'receipt', type: 'basic', tool: 'record', with: { charged: '{{ tasks.charge.output.value }}', charge_status: '{{ tasks.charge.status }}' } },
    ],
    outputs: { charged: '{{ tasks.receipt.output.charged }}' },
  });
}

const receiptsOf = (workflowId: string) => recorded.filter((r) => r.idempotency_key.startsWith(`${workflowId}:`) && r.task_id === 'receipt');

describe('a failed task pauses its branch', () => {
  it.each(['on_error', 'config'] as const)('opens a task_failed gate (%s) with the error and what comes next', async (pauseBy) => {
    const handle = await startExecution(env.t.client, env.w.taskQueue, repairable({ pauseBy }), { ok: false, value: 'v1' });
    const status = await paused(handle);
    expect(status.pause).toMatchObject({ reason: 'task_failed', task_id: 'charge', next_task_id: 'receipt' });
    expect(status.pause?.gates[0]?.data).toMatchObject({ error: { type: 'CheckFailed' }, attempts: 1 });
    expect((await handle.query(taskContextQuery, 'charge'))?.status).toBe('failed');
    await handle.terminate('test done');
  });
});

describe('retry', () => {
  it('re-runs the failed task with a new input; the next task sees the new output', async () => {
    const handle = await startExecution(env.t.client, env.w.taskQueue, repairable(), { ok: false, value: 'v1' });
    await paused(handle);
    const failedRun = (await handle.query(taskContextQuery, 'charge'))!;

    const plan = await handle.query(resumePlanQuery, { mode: 'retry', tasks: { charge: { input: { ok: true, value: 'fixed' } } } });
    expect(plan).toMatchObject({ ok: true, retries: [{ task_id: 'charge', task_exec_id: failedRun.task_exec_id, input: 'override' }], missing: [] });

    const resumed = await handle.executeUpdate(resumeUpdate, { args: [{ mode: 'retry', tasks: { charge: { input: { ok: true, value: 'fixed' } } }, actor: 'ops' }] });
    expect(resumed.plan.retries).toHaveLength(1);
    expect((await handle.result()).outputs).toEqual({ charged: 'fixed' });

    const ctx = await handle.query(taskContextQuery, 'charge');
    expect(ctx).toMatchObject({ status: 'succeeded', input: { ok: true, value: 'fixed' }, output: { value: 'fixed' } });
    expect(ctx?.task_exec_id).not.toBe(failedRun.task_exec_id);
    expect(ctx?.runs.map((r) => [r.task_exec_id, r.status])).toEqual([[failedRun.task_exec_id, 'failed'], [ctx?.task_exec_id, 'succeeded']]);
    expect(receiptsOf(handle.workflowId).map((r) => r.input)).toEqual([{ charged: 'fixed', charge_status: 'succeeded' }]);

    const events = await journal(handle);
    const rescheduled = events.filter((e) => e.type === 'TaskScheduled' && e.task_id === 'charge');
    expect(rescheduled[1]?.data).toMatchObject({ run: 2, previous_task_exec_id: failedRun.task_exec_id });
    expect(events.find((e) => e.type === 'WorkflowExecutionResumed')).toMatchObject({ actor: 'ops', data: { mode: 'retry' } });
  });

  it('re-runs it with a patched inbound context: the task context shows the context before and after', async () => {
    const handle = await startExecution(env.t.client, env.w.taskQueue, repairable(), { ok: false, value: 'v1', keep: { me: true } });
    await paused(handle);
    const before = (await handle.query(taskContextQuery, 'charge'))!;
    expect(before.inbound_context).toMatchObject({ input: { ok: false, value: 'v1', keep: { me: true } }, tasks: { prepare: { output: { ready: true } } } });
    expect(before.input).toEqual({ ok: false, value: 'v1' });

    const patch = { input: { ok: true, value: 'patched' } };
    await handle.executeUpdate(resumeUpdate, { args: [{ mode: 'retry', tasks: { charge: {} }, context: patch }] });
    expect((await handle.result()).outputs).toEqual({ charged: 'patched' });

    const after = (await handle.query(taskContextQuery, 'charge'))!;
    // Deep-merged: what the patch does not name is kept.
    expect(after.inbound_context).toMatchObject({ input: { ok: true, value: 'patched', keep: { me: true } }, tasks: { prepare: { output: { ready: true } } } });
    expect(after.input).toEqual({ ok: true, value: 'patched' });
    expect(after.runs).toHaveLength(2);
    // The context the resume brought is the pause's resume_data (docs/design.md §14.3), kept in the journal.
    expect((await journal(handle)).find((e) => e.type === 'WorkflowExecutionResumed')?.data).toMatchObject({ context: patch });
  });
});

describe('skip', () => {
  const schema = { type: 'object', required: ['value'], properties: { value: { type: 'string' } } };

  it('marks the failed task skipped with the supplied output, and the flow goes on with it', async () => {
    const handle = await startExecution(env.t.client, env.w.taskQueue, repairable({ outputSchema: schema }), { ok: false, value: 'v1' });
    await paused(handle);
    await handle.executeUpdate(resumeUpdate, { args: [{ mode: 'skip', tasks: { charge: { output: { value: 'by hand' } } } }] });
    expect((await handle.result()).outputs).toEqual({ charged: 'by hand' });
    expect(await handle.query(taskContextQuery, 'charge')).toMatchObject({ status: 'skipped', output: { value: 'by hand' } });
    expect(receiptsOf(handle.workflowId).map((r) => r.input)).toEqual([{ charged: 'by hand', charge_status: 'skipped' }]);
    expect(types(await journal(handle), 'charge')).toContain('TaskSkipped');
  });

  it('refuses an output that violates output_schema, and a skip without output (missing)', async () => {
    const handle = await startExecution(env.t.client, env.w.taskQueue, repairable({ outputSchema: schema }), { ok: false, value: 'v1' });
    await paused(handle);
    const before = (await handle.query(eventsQuery)).last_seq;

    const invalid = await refusal(handle.executeUpdate(resumeUpdate, { args: [{ mode: 'skip', tasks: { charge: { output: { value: 5 } } } }] }));
    expect(invalid.type).toBe('output_invalid');
    expect(invalid.message).toContain('tasks.charge.output');

    const noOutput = await refusal(handle.executeUpdate(resumeUpdate, { args: [{ mode: 'skip', tasks: { charge: {} } }] }));
    expect(noOutput.type).toBe('resume_requirements_unmet');
    expect(noOutput.details.missing).toEqual([{ task_id: 'charge', need: expect.stringContaining('output') }]);

    expect((await handle.query(eventsQuery)).last_seq).toBe(before);
    expect((await handle.query(statusQuery)).pause?.reason).toBe('task_failed');
    await handle.terminate('test done');
  });
});

describe('what a resume needs', () => {
  const twoBranches = definition({
    id: 'two-failures',
    config: { on_task_failure: 'pause' },
    tasks: [
      {
        id: 'fan',
        type: 'parallel',
        on_success: { next: 'join' },
        branches: [
          { id: 'left', tasks: [{ id: 'left-task', type: 'basic', tool: 'check', with: { ok: false }, retry: { maximum_attempts: 1 } }] },
          { id: 'right', tasks: [{ id: 'right-task', type: 'basic', tool: 'check', with: { ok: false }, retry: { maximum_attempts: 1 } }] },
          { id: 'fine', tasks: [{ id: 'fine-task', type: 'basic', tool: 'echo', with: { fine: true } }] },
        ],
      },
      { id: 'join', type: 'basic', tool: 'echo', with: { left: '{{ tasks["left-task"].output.value }}', right: '{{ tasks["right-task"].output }}' } },
    ],
  });

  it('refuses a resume that names one of two failed branches, listing the other as missing; the dry run changes nothing', async () => {
    const handle = await startExecution(env.t.client, env.w.taskQueue, twoBranches);
    const status = await statusWhen(handle, (s) => s.status === 'paused' && (s.pause?.gates.length ?? 0) === 2, 'two failed gates');
    expect(status.pause?.gates.map((g) => [g.task_id, g.reason, g.branch]).sort()).toEqual([
      ['left-task', 'task_failed', 'fan/left'],
      ['right-task', 'task_failed', 'fan/right'],
    ]);
    const seq = (await handle.query(eventsQuery)).last_seq;
    const events = await journal(handle);

    const command = { mode: 'retry' as const, tasks: { 'left-task': { input: { ok: true, value: 'L' } } } };
    const plan = await handle.query(resumePlanQuery, command);
    expect(plan).toMatchObject({ ok: false, error: { type: 'resume_requirements_unmet' }, missing: [{ task_id: 'right-task', need: expect.stringContaining('retry or skip') }] });
    expect(plan.missing).toHaveLength(1);

    const refused = await refusal(handle.executeUpdate(resumeUpdate, { args: [command] }));
    expect(refused.type).toBe('resume_requirements_unmet');
    expect(refused.details.missing).toEqual([{ task_id: 'right-task', need: expect.stringContaining('retry or skip') }]);
    expect(refused.message).toContain('right-task');

    // Neither the dry run nor the refused update changed anything.
    expect((await handle.query(eventsQuery)).last_seq).toBe(seq);
    expect(await journal(handle)).toEqual(events);
    expect((await handle.query(taskContextQuery, 'left-task'))?.runs).toHaveLength(1);

    await handle.executeUpdate(resumeUpdate, { args: [{ tasks: { 'left-task': { action: 'retry', input: { ok: true, value: 'L' } }, 'right-task': { action: 'skip', output: 'R' } } }] });
    expect((await handle.result()).status).toBe('completed');
    expect((await handle.query(taskContextQuery, 'join'))?.output).toEqual({ left: 'L', right: 'R' });
  });

  it('refuses a target that already succeeded (task_already_completed), and a resume of a running execution (not_paused)', async () => {
    const handle = await startExecution(env.t.client, env.w.taskQueue, repairable(), { ok: false, value: 'v1' });
    await paused(handle);
    const completed = await refusal(handle.executeUpdate(resumeUpdate, { args: [{ mode: 'retry', tasks: { prepare: {} } }] }));
    expect(completed.type).toBe('task_already_completed');
    expect(completed.message).toContain('prepare');
    expect((await refusal(handle.executeUpdate(resumeUpdate, { args: [{ mode: 'retry', tasks: { nope: {} } }] }))).type).toBe('task_not_found');
    await handle.terminate('test done');

    const running = await startExecution(env.t.client, env.w.taskQueue, definition({ id: 'running', tasks: [{ id: 'long', type: 'basic', tool: 'stall', with: { ms: 1000 } }] }));
    await eventOf(running, 'TaskDispatched', 'long');
    const notPaused = await refusal(running.executeUpdate(resumeUpdate, { args: [{}] }));
    expect(notPaused.type).toBe('not_paused');
    expect(await running.query(resumePlanQuery, {})).toMatchObject({ ok: false, error: { type: 'not_paused' } });
    expect((await running.result()).status).toBe('completed');
    expect(count(await journal(running), 'WorkflowExecutionResumed')).toBe(0);
  });

  it('a resume does not clear approvals: it says they stay open', async () => {
    const def = definition({
      id: 'resume-vs-approval',
      tasks: [
        { id: 'a', type: 'basic', tool: 'echo', on_success: { next: 'sign' } },
        { id: 'sign', type: 'approval' },
      ],
    });
    const handle = await startExecution(env.t.client, env.w.taskQueue, def);
    await paused(handle);
    const refused = await refusal(handle.executeUpdate(resumeUpdate, { args: [{}] }));
    expect(refused).toMatchObject({ type: 'not_paused', details: { missing: [{ task_id: 'sign', need: expect.stringContaining('approval') }], still_open: [{ task_id: 'sign', reason: 'approval_required' }] } });
    await handle.terminate('test done');
  });
});
