/**
 * Short tasks against a real dev server (docs/design.md §13): basic tasks as local activities keep
 * the journal, retries, immediate pause, repair and task context of ordinary ones; `set` tasks
 * compute their values in the workflow, with no activity.
 */
import { type WorkflowHandle, WorkflowFailedError } from '@temporalio/client';
import { LOCAL_WORKFLOW_TASK_TIMEOUT_SECONDS, useClientAndWorker, waitFor, workflowTaskTimeoutSeconds } from '../harness';
import { stallAborts, stallCalls, tools } from '../fixtures/test-tools';
import { LOCAL_TOOLS_AT_START_PATCH_ID, LOCAL_TOOLS_PATCH_ID } from '../../../src/workflows/execution-behaviour';
import { pauseUpdate, resumeUpdate, taskContextQuery } from '../../../src/workflows/messages';
import { definition, journal, startExecution, types } from './start-execution';
import { count, eventOf, paused } from './pause-resume-probes';

const env = useClientAndWorker({ tools });

async function historyOf(handle: WorkflowHandle): Promise<{ activities: number; localActivities: number; patches: string[] }> {
  const events = (await handle.fetchHistory()).events ?? [];
  const markers = events.map((e) => e.markerRecordedEventAttributes).filter((m) => m != null);
  const patches = markers
    .filter((m) => m.markerName === 'core_patch')
    .flatMap((m) => Object.values(m.details ?? {}).flatMap((d) => (d.payloads ?? []).map((p) => Buffer.from(p.data ?? new Uint8Array()).toString())));
  return {
    activities: events.filter((e) => e.activityTaskScheduledEventAttributes).length,
    localActivities: markers.filter((m) => m.markerName === 'core_local_activity').length,
    patches,
  };
}

describe('local tasks', () => {
  it('run as local activities with the journal of ordinary ones; echo is local unless the task says local: false', async () => {
    const def = definition({
      id: 'local-journal',
      tasks: [
        { id: 'a', type: 'basic', tool: 'record', local: true, with: { v: '{{ input.v }}' }, on_success: { next: 'b' } },
        { id: 'b', type: 'basic', tool: 'echo', with: { got: '{{ tasks.a.output.v }}' }, on_success: { next: 'c' } },
        { id: 'c', type: 'basic', tool: 'echo', local: false, with: { again: '{{ tasks.b.output.got }}' } },
      ],
      outputs: { again: '{{ tasks.c.output.again }}' },
    });
    const handle = await startExecution(env.t.client, env.w.taskQueue, def, { v: 7 });
    expect((await handle.result()).outputs).toEqual({ again: 7 });
    const events = await journal(handle);
    for (const id of ['a', 'b', 'c']) expect(types(events, id)).toEqual(['TaskScheduled', 'TaskDispatched', 'TaskExecutionStarted', 'TaskExecutionSuccess']);
    expect(events.find((e) => e.type === 'TaskDispatched' && e.task_id === 'a')?.data).toEqual({ tool: 'record', local: true });
    expect(events.find((e) => e.type === 'TaskDispatched' && e.task_id === 'c')?.data).toEqual({ tool: 'echo' });
    const history = await historyOf(handle);
    expect(history).toMatchObject({ activities: 1, localActivities: 2 });
    // Only the tool's own declaration (echo) needs the patch, decided at the start: an explicit local: true is a new field.
    expect(history.patches.filter((p) => p.includes('cadenza-local-tools'))).toEqual([expect.stringContaining(LOCAL_TOOLS_AT_START_PATCH_ID)]);
    expect(await handle.query(taskContextQuery, 'a')).toMatchObject({ status: 'succeeded', attempts: 1, input: { v: 7 }, output: { v: 7 }, started_at: expect.any(String) });
  });

  it('records no patch marker in an execution without a tool that declares itself local', async () => {
    const def = definition({ id: 'local-no-patch', tasks: [{ id: 'a', type: 'basic', tool: 'record', local: true, with: { v: 1 } }] });
    const handle = await startExecution(env.t.client, env.w.taskQueue, def);
    await handle.result();
    expect((await historyOf(handle)).patches.filter((p) => p.includes(LOCAL_TOOLS_PATCH_ID) || p.includes(LOCAL_TOOLS_AT_START_PATCH_ID))).toEqual([]);
  });

  it('retries with the interpreter’s policy, each attempt journaled', async () => {
    const def = definition({ id: 'local-retry', tasks: [{ id: 'a', type: 'basic', tool: 'flaky', local: true, with: { failures: 2 }, retry: { maximum_attempts: 3, initial_interval: '20ms' } }] });
    const handle = await startExecution(env.t.client, env.w.taskQueue, def);
    expect((await handle.result()).status).toBe('completed');
    const events = await journal(handle);
    expect(count(events, 'TaskExecutionFailed', 'a')).toBe(2);
    expect(count(events, 'TaskRetryScheduled', 'a')).toBe(2);
    expect(events.filter((e) => e.type === 'TaskDispatched').map((e) => e.attempt)).toEqual([1, 2, 3]);
    expect(await handle.query(taskContextQuery, 'a')).toMatchObject({ status: 'succeeded', attempts: 3, output: { attempts: 3, attempt: 3 } });
    expect((await historyOf(handle)).activities).toBe(0);
  });

  it('fails a task whose local attempt times out, and a failed local task is repaired by retry or skip', async () => {
    const def = definition({
      id: 'local-repair',
      tasks: [
        { id: 'a', type: 'basic', tool: 'check', local: true, with: { ok: '{{ input.ok }}', value: 'v' }, on_error: { pause: true }, on_success: { next: 'b' } },
        { id: 'b', type: 'basic', tool: 'stall', local: true, timeout: '300ms', retry: { maximum_attempts: 1 }, with: { ms: 5000 }, on_error: { pause: true } },
      ],
      outputs: { a: '{{ tasks.a.output.value }}', b: '{{ tasks.b.output }}' },
    });
    const handle = await startExecution(env.t.client, env.w.taskQueue, def, { ok: false });
    expect((await paused(handle)).pause).toMatchObject({ reason: 'task_failed', task_id: 'a' });
    await handle.executeUpdate(resumeUpdate, { args: [{ mode: 'retry', tasks: { a: {} }, context: { input: { ok: true } } }] });
    // b times out locally (300 ms), then pauses at its own gate: skipped with an output.
    const gate = await paused(handle);
    expect(gate.pause).toMatchObject({ reason: 'task_failed', task_id: 'b' });
    expect(gate.pause?.gates[0]?.data).toMatchObject({ error: { type: 'Timeout.start_to_close' } });
    await handle.executeUpdate(resumeUpdate, { args: [{ mode: 'skip', tasks: { b: { output: { by: 'hand' } } } }] });
    expect((await handle.result()).outputs).toEqual({ a: 'v', b: { by: 'hand' } });
    const a = await handle.query(taskContextQuery, 'a');
    expect(a?.runs.map((r) => r.status)).toEqual(['failed', 'succeeded']);
    expect(a?.inbound_context).toMatchObject({ input: { ok: true } });
    expect(await handle.query(taskContextQuery, 'b')).toMatchObject({ status: 'skipped', output: { by: 'hand' } });
  });

  it('an immediate pause sent while a local attempt runs cancels it once core heartbeats the workflow task; resume runs it again', async () => {
    const def = definition({
      id: 'local-immediate',
      tasks: [
        { id: 'a', type: 'basic', tool: 'stall', local: true, with: { ms: 9_000, later_ms: 10 }, on_success: { next: 'b' } },
        { id: 'b', type: 'basic', tool: 'echo', with: { done: true } },
      ],
    });
    const handle = await startExecution(env.t.client, env.w.taskQueue, def);
    expect(await workflowTaskTimeoutSeconds(handle)).toBe(LOCAL_WORKFLOW_TASK_TIMEOUT_SECONDS);
    const a = await eventOf(handle, 'TaskDispatched', 'a');
    const sent = Date.now();
    // The server hands the update over when core heartbeats the workflow task holding the local
    // attempt (80 % of LOCAL_WORKFLOW_TASK_TIMEOUT): the pause then cancels the attempt, long before
    // its 9 s would be up.
    await handle.executeUpdate(pauseUpdate, { args: [{ mode: 'immediate', reason: 'stop now' }] });
    const status = await paused(handle);
    expect(Date.now() - sent).toBeLessThan(6_000);
    expect(status.pause).toMatchObject({ reason: 'manual', next_task_id: 'a' });
    await waitFor(() => stallAborts.some((x) => x.task_exec_id === a.task_exec_id), { what: 'the local attempt to see its abort' });
    expect(types(await journal(handle), 'a')).toEqual(['TaskScheduled', 'TaskDispatched', 'TaskExecutionCancelled']);
    await handle.executeUpdate(resumeUpdate, { args: [{}] });
    expect((await handle.result()).status).toBe('completed');
    expect(types(await journal(handle), 'a').slice(-2)).toEqual(['TaskExecutionStarted', 'TaskExecutionSuccess']);
    // The same task execution runs again (its second call sleeps `later_ms`).
    expect(stallCalls.filter((c) => c.task_exec_id === a.task_exec_id)).toHaveLength(2);
  });

  it('a cancel sent while a local attempt runs reaches it at the heartbeat and cancels it', async () => {
    const def = definition({ id: 'local-cancel', tasks: [{ id: 'a', type: 'basic', tool: 'stall', local: true, with: { ms: 9_000 } }] });
    const handle = await startExecution(env.t.client, env.w.taskQueue, def);
    const a = await eventOf(handle, 'TaskDispatched', 'a');
    const sent = Date.now();
    await handle.cancel();
    await expect(handle.result()).rejects.toThrow(WorkflowFailedError);
    expect(Date.now() - sent).toBeLessThan(6_000);
    await waitFor(() => stallAborts.some((x) => x.task_exec_id === a.task_exec_id), { what: 'the local attempt to see its abort' });
    const events = await journal(handle);
    expect(types(events, 'a')).toEqual(['TaskScheduled', 'TaskDispatched', 'TaskExecutionCancelled']);
    expect(events.at(-1)?.type).toBe('WorkflowExecutionCancelled');
  });

  it('an execution without a local: true task keeps Temporal’s workflow task timeout, echo (local by its own declaration) included', async () => {
    const handle = await startExecution(env.t.client, env.w.taskQueue, definition({ id: 'plain-timeout', tasks: [{ id: 'a', type: 'basic', tool: 'echo', with: {} }] }));
    expect(await workflowTaskTimeoutSeconds(handle)).toBe('10');
    await handle.result();
  });

  it('a command sent while a chain of local tasks ends the execution is refused as for a closed execution', async () => {
    const def = definition({
      id: 'local-closing',
      tasks: [
        { id: 'a', type: 'basic', tool: 'stall', local: true, with: { ms: 1000 }, on_success: { next: 'b' } },
        { id: 'b', type: 'set', values: { done: true } },
      ],
    });
    const handle = await startExecution(env.t.client, env.w.taskQueue, def);
    await eventOf(handle, 'TaskDispatched', 'a');
    await expect(handle.executeUpdate(pauseUpdate, { args: [{ mode: 'immediate' }] })).rejects.toThrow(/closing workflow|already completed/);
    expect((await handle.result()).status).toBe('completed');
  });
});

describe('set tasks', () => {
  it('compute their values with CEL in the workflow: the output is the values, later tasks read them', async () => {
    const def = definition({
      id: 'set-values',
      tasks: [
        { id: 'prices', type: 'set', values: { total: '{{ input.a + input.b }}', label: 'order {{ input.id }}', fixed: [1, { deep: '{{ input.a * 2 }}' }] }, on_success: { next: 'use' } },
        { id: 'use', type: 'set', values: { doubled: '{{ tasks.prices.output.total * 2 }}' } },
      ],
      outputs: { doubled: '{{ tasks.use.output.doubled }}', label: '{{ tasks.prices.output.label }}' },
    });
    const handle = await startExecution(env.t.client, env.w.taskQueue, def, { a: 2, b: 3, id: 'x1' });
    expect((await handle.result()).outputs).toEqual({ doubled: 10, label: 'order x1' });
    expect(await handle.query(taskContextQuery, 'prices')).toMatchObject({ type: 'set', status: 'succeeded', attempts: 1, output: { total: 5, label: 'order x1', fixed: [1, { deep: 4 }] } });
    expect(types(await journal(handle), 'prices')).toEqual(['TaskScheduled', 'TaskExecutionStarted', 'TaskExecutionSuccess']);
    expect(await historyOf(handle)).toMatchObject({ activities: 0, localActivities: 0 });
  });

  it('fails on a template that cannot be evaluated; a retry with context repairs it', async () => {
    const def = definition({ id: 'set-repair', tasks: [{ id: 's', type: 'set', values: { n: '{{ input.missing.deeper }}' }, on_error: { pause: true } }], outputs: { n: '{{ tasks.s.output.n }}' } });
    const handle = await startExecution(env.t.client, env.w.taskQueue, def, {});
    const status = await paused(handle);
    expect(status.pause?.gates[0]?.data).toMatchObject({ error: { type: 'TemplateError', non_retryable: true } });
    await handle.executeUpdate(resumeUpdate, { args: [{ mode: 'retry', tasks: { s: {} }, context: { input: { missing: { deeper: 42 } } } }] });
    expect((await handle.result()).outputs).toEqual({ n: 42 });
  });
});
