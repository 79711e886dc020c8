/**
 * WorkflowPause and WorkflowResume at the workflow level (docs/design.md §4, §14.3): graceful and immediate
 * pauses, `pause_before` breakpoints, and refused pauses, driven through Temporal updates and signals.
 */
import { waitFor, useClientAndWorker } from '../harness';
import { recorded, stallAborts, stallCalls, tools } from '../fixtures/test-tools';
import type { PauseCommand } from '../../../src/workflows/commands';
import { pauseSignal, pauseUpdate, resumePlanQuery, resumeSignal, resumeUpdate, statusQuery, taskContextQuery } from '../../../src/workflows/messages';
import { definition, journal, startExecution, types } from './start-execution';
import { count, eventOf, paused, refusal } from './pause-resume-probes';

const env = useClientAndWorker({ tools });

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('graceful pause', () => {
  it('lets the in-flight task finish (pausing → paused), dispatches nothing new, and continues on resume', async () => {
    const def = definition({
      id: 'pause-graceful',
      tasks: [
        { id: 'a', type: 'basic', tool: 'stall', with: { ms: 800, output: 'a-done' }, on_success: { next: 'b' } },
        { id: 'b', type: 'basic', tool: 'record', with: { from: '{{ tasks.a.output }}' } },
      ],
    });
    const handle = await startExecution(env.t.client, env.w.taskQueue, def);
    await eventOf(handle, 'TaskDispatched', 'a');

    const answer = await handle.executeUpdate(pauseUpdate, { args: [{ reason: 'maintenance', mode: 'graceful', actor: 'ops' }] });
    expect(answer.status).toBe('pausing');
    expect(answer.pause).toMatchObject({ reason: 'manual' });

    const status = await paused(handle);
    expect(status.pause).toMatchObject({ reason: 'manual', task_id: null, next_task_id: 'b', paused_at: expect.any(String) });
    expect(status.pause?.gates[0]).toMatchObject({ reason: 'manual', data: { reason: 'maintenance', mode: 'graceful', actor: 'ops', held: ['b'] } });
    const a = await handle.query(taskContextQuery, 'a');
    expect(a).toMatchObject({ status: 'succeeded', output: 'a-done', attempts: 1 });
    expect(stallAborts.some((x) => x.task_exec_id === a?.task_exec_id)).toBe(false);

    // Held: b is neither scheduled nor dispatched while the pause lasts.
    await sleep(400);
    expect((await handle.query(statusQuery)).status).toBe('paused');
    expect(types(await journal(handle), 'b')).toEqual([]);
    expect(recorded.some((r) => r.idempotency_key.startsWith(handle.workflowId))).toBe(false);

    const resumed = await handle.executeUpdate(resumeUpdate, { args: [{ mode: 'continue', reason: 'done', actor: 'ops' }] });
    expect(resumed.plan).toMatchObject({ ok: true, continues: [{ reason: 'manual', task_id: null }], retries: [], skips: [] });
    expect((await handle.result()).status).toBe('completed');

    const events = await journal(handle);
    expect(count(events, 'WorkflowExecutionPaused')).toBe(1);
    expect(count(events, 'WorkflowExecutionResumed')).toBe(1);
    expect(events.find((e) => e.type === 'WorkflowExecutionResumed')).toMatchObject({ actor: 'ops', data: { mode: 'continue', reason: 'done' } });
    // The pause came after a finished and before b was scheduled.
    const order = types(events).filter((x) => x !== 'TaskDispatched' && x !== 'TaskExecutionStarted' && x !== 'TaskScheduled');
    expect(order).toEqual(['WorkflowExecutionStarted', 'TaskExecutionSuccess', 'WorkflowExecutionPaused', 'WorkflowExecutionResumed', 'TaskExecutionSuccess', 'WorkflowExecutionSuccess']);
    expect(recorded.filter((r) => r.idempotency_key.startsWith(handle.workflowId))).toHaveLength(1);
  });

  it('is also a signal: `pause` then `resume` signals (the CLI and Web UI path)', async () => {
    const def = definition({
      id: 'pause-signal',
      tasks: [
        { id: 'a', type: 'basic', tool: 'stall', with: { ms: 500 }, on_success: { next: 'b' } },
        { id: 'b', type: 'basic', tool: 'echo', with: { v: 1 } },
      ],
    });
    const handle = await startExecution(env.t.client, env.w.taskQueue, def);
    await eventOf(handle, 'TaskDispatched', 'a');
    await handle.signal(pauseSignal, { reason: 'by signal' });
    const status = await paused(handle);
    expect(status.pause).toMatchObject({ reason: 'manual', next_task_id: 'b', gates: [{ data: { reason: 'by signal', mode: 'graceful' } }] });
    await handle.signal(resumeSignal, {});
    expect((await handle.result()).status).toBe('completed');
  });
});

describe('immediate pause', () => {
  it('cancels the in-flight task (the tool sees its abort) and re-runs it on resume', async () => {
    const def = definition({
      id: 'pause-immediate',
      tasks: [
        { id: 'a', type: 'basic', tool: 'stall', with: { ms: 60_000, later_ms: 10 }, heartbeat_timeout: '2s', on_success: { next: 'b' } },
        { id: 'b', type: 'basic', tool: 'echo', with: { after: '{{ tasks.a.output.attempt }}' } },
      ],
    });
    const handle = await startExecution(env.t.client, env.w.taskQueue, def);
    const dispatched = await eventOf(handle, 'TaskDispatched', 'a');
    const execId = dispatched.task_exec_id!;
    await waitFor(() => stallCalls.some((c) => c.task_exec_id === execId), { what: 'the tool to start', intervalMs: 25 });

    const started = Date.now();
    await handle.executeUpdate(pauseUpdate, { args: [{ mode: 'immediate', reason: 'stop now' }] });
    const status = await paused(handle);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(status.pause).toMatchObject({ reason: 'manual', next_task_id: 'a', gates: [{ data: { mode: 'immediate', held: ['a'] } }] });
    expect(stallAborts).toContainEqual({ task_id: 'a', task_exec_id: execId, attempt: 1 });

    const cancelled = await eventOf(handle, 'TaskExecutionCancelled', 'a');
    expect(cancelled).toMatchObject({ task_exec_id: execId, attempt: 1, data: { reason: 'paused', will_rerun: true } });
    expect((await handle.query(taskContextQuery, 'a'))?.status).toBe('scheduled');

    await handle.executeUpdate(resumeUpdate, { args: [{}] });
    const result = await handle.result();
    expect(result.status).toBe('completed');
    const a = await handle.query(taskContextQuery, 'a');
    expect(a).toMatchObject({ status: 'succeeded', task_exec_id: execId, output: { attempt: 2 } });
    expect(stallCalls.filter((c) => c.task_exec_id === execId).map((c) => c.attempt)).toEqual([1, 2]);
    expect((await handle.query(taskContextQuery, 'b'))?.output).toEqual({ after: 2 });

    const events = await journal(handle);
    expect(types(events, 'a')).toEqual(['TaskScheduled', 'TaskDispatched', 'TaskExecutionCancelled', 'TaskDispatched', 'TaskExecutionStarted', 'TaskExecutionSuccess']);
    expect(events.filter((e) => e.task_id === 'a').every((e) => e.task_exec_id === execId)).toBe(true);
    expect(count(events, 'WorkflowExecutionPaused')).toBe(1);
  });
});

describe('breakpoints', () => {
  it('pauses before a `pause_before` task with reason breakpoint, and a continue resume runs it', async () => {
    const def = definition({
      id: 'pause-breakpoint',
      tasks: [
        { id: 'a', type: 'basic', tool: 'echo', with: { v: 1 }, on_success: { next: 'b' } },
        { id: 'b', type: 'basic', tool: 'echo', with: { got: '{{ tasks.a.output.v }}' }, pause_before: true },
      ],
    });
    const handle = await startExecution(env.t.client, env.w.taskQueue, def);
    const status = await paused(handle);
    expect(status.pause).toMatchObject({ reason: 'breakpoint', task_id: 'b', next_task_id: 'b', paused_at: expect.any(String), gates: [{ reason: 'breakpoint', task_id: 'b', data: { before: 'b' } }] });
    expect(types(await journal(handle), 'b')).toEqual([]);

    const plan = await handle.query(resumePlanQuery, { mode: 'continue' });
    expect(plan).toMatchObject({ ok: true, continues: [{ reason: 'breakpoint', task_id: 'b' }], missing: [] });

    await handle.executeUpdate(resumeUpdate, { args: [{ mode: 'continue' }] });
    expect((await handle.result()).status).toBe('completed');
    expect((await handle.query(taskContextQuery, 'b'))?.output).toEqual({ got: 1 });
  });
});

describe('refused pauses', () => {
  it('refuses to pause a closed execution', async () => {
    const def = definition({ id: 'pause-closed', tasks: [{ id: 'a', type: 'basic', tool: 'echo' }] });
    const handle = await startExecution(env.t.client, env.w.taskQueue, def);
    await handle.result();
    const before = await journal(handle);
    // The server refuses commands to a closed workflow before any workflow code runs.
    await expect(handle.executeUpdate(pauseUpdate, { args: [{}] })).rejects.toThrow(/already completed/);
    await expect(handle.signal(pauseSignal, {})).rejects.toThrow(/already completed/);
    expect(await journal(handle)).toEqual(before);
    expect((await handle.query(statusQuery)).status).toBe('completed');
  });

  it('refuses a second pause (already_paused), but lets a graceful pause become immediate', async () => {
    const def = definition({ id: 'pause-twice', tasks: [{ id: 'a', type: 'basic', tool: 'stall', with: { ms: 60_000, later_ms: 10 }, heartbeat_timeout: '2s' }] });
    const handle = await startExecution(env.t.client, env.w.taskQueue, def);
    await eventOf(handle, 'TaskDispatched', 'a');
    await handle.executeUpdate(pauseUpdate, { args: [{ mode: 'graceful', actor: 'first' }] });

    const again = await refusal(handle.executeUpdate(pauseUpdate, { args: [{ mode: 'graceful' }] }));
    expect(again).toMatchObject({ type: 'already_paused' });
    expect(again.message).toContain('by first');

    await handle.executeUpdate(pauseUpdate, { args: [{ mode: 'immediate' }] });
    await paused(handle);
    expect(await refusal(handle.executeUpdate(pauseUpdate, { args: [{ mode: 'immediate' }] }))).toMatchObject({ type: 'already_paused' });
    // A refused update leaves no trace in the journal.
    expect(count(await journal(handle), 'CommandRejected')).toBe(0);

    await handle.executeUpdate(resumeUpdate, { args: [{}] });
    expect((await handle.result()).status).toBe('completed');
  });

  it('journals a pause signal with a garbage payload as CommandRejected and goes on unharmed', async () => {
    const def = definition({
      id: 'pause-garbage',
      tasks: [
        { id: 'a', type: 'basic', tool: 'stall', with: { ms: 600 }, on_success: { next: 'b' } },
        { id: 'b', type: 'basic', tool: 'echo', with: { v: 2 } },
      ],
    });
    const handle = await startExecution(env.t.client, env.w.taskQueue, def);
    await eventOf(handle, 'TaskDispatched', 'a');
    await handle.signal(pauseSignal, 'garbage' as unknown as PauseCommand);
    await handle.signal(pauseSignal, { mode: 'sideways', actor: 'bot' } as unknown as PauseCommand);

    expect((await handle.result()).status).toBe('completed');
    const events = await journal(handle);
    const rejected = events.filter((e) => e.type === 'CommandRejected');
    expect(rejected).toHaveLength(2);
    expect(rejected[0]).toMatchObject({ data: { command: 'pause', type: 'command_invalid', payload: 'garbage' } });
    expect(rejected[1]).toMatchObject({ actor: 'bot', data: { command: 'pause', type: 'command_invalid', payload: { mode: 'sideways' } } });
    expect(rejected[1]?.data.message).toContain('mode');
    expect(count(events, 'WorkflowExecutionPaused')).toBe(0);
    expect((await handle.query(taskContextQuery, 'b'))?.output).toEqual({ v: 2 });
  });
});
