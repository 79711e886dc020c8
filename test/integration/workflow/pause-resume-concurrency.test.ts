/**
 * Concurrent and repeated resumes (docs/design.md §5): of many concurrent resumes exactly one applies, and the
 * same update id twice is one resume with one answer.
 */
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { useClientAndWorker } from '../harness';
import { recorded, tools } from '../fixtures/test-tools';
import { decideUpdate, pauseUpdate, resumeUpdate, taskContextQuery } from '../../../src/workflows/messages';
import { definition, journal, startExecution } from './start-execution';
import { count, eventOf, paused, statusWhen } from './pause-resume-probes';

const env = useClientAndWorker({ tools });

const toolCalls = (workflowId: string, taskId: string) => recorded.filter((r) => r.idempotency_key.startsWith(`${workflowId}:`) && r.task_id === taskId);

it('50 concurrent resume updates on one paused execution: exactly one applies, no task runs twice', async () => {
  const def = definition({
    id: 'concurrent-resume',
    config: { on_task_failure: 'pause' },
    tasks: [
      { id: 'hold', type: 'basic', tool: 'record', with: { step: 'hold' }, on_success: { next: 'charge' } },
      { id: 'charge', type: 'basic', tool: 'check', with: { ok: false }, on_success: { next: 'after' } },
      { id: 'after', type: 'basic', tool: 'record', with: { got: '{{ tasks.charge.output.value }}' }, on_success: { next: 'close' } },
      // Keeps the execution open until every update has its answer.
      { id: 'close', type: 'approval' },
    ],
  });
  const handle = await startExecution(env.t.client, env.w.taskQueue, def);
  await paused(handle);

  // Every caller retries the failed task with its own input: whichever applies is the one that ran.
  const settled = await Promise.allSettled(
    Array.from({ length: 50 }, (_, i) => handle.executeUpdate(resumeUpdate, { args: [{ mode: 'retry', tasks: { charge: { input: { ok: true, value: i } } }, actor: `caller-${i}` }] })),
  );
  const accepted = settled.flatMap((s, i) => (s.status === 'fulfilled' ? [i] : []));
  const refusals = settled.flatMap((s) => (s.status === 'rejected' ? [s.reason as unknown] : []));
  expect(accepted).toHaveLength(1);
  expect(refusals).toHaveLength(49);
  for (const reason of refusals) {
    expect(reason).toBeInstanceOf(WorkflowUpdateFailedError);
    const cause = (reason as WorkflowUpdateFailedError).cause;
    expect(cause).toBeInstanceOf(ApplicationFailure);
    // The losers find the gate gone: the task is re-running (not gated) or has succeeded.
    expect(['not_paused', 'task_not_gated', 'task_already_completed']).toContain((cause as ApplicationFailure).type);
  }

  const winner = accepted[0]!;
  await statusWhen(handle, (s) => s.pause?.reason === 'approval_required', 'the closing approval');
  const events = await journal(handle);
  await handle.executeUpdate(decideUpdate, { args: [{ task_id: 'close', decision: 'approve', actor: 'test' }] });
  await handle.result();
  expect(count(events, 'WorkflowExecutionResumed')).toBe(1);
  expect(events.find((e) => e.type === 'WorkflowExecutionResumed')?.actor).toBe(`caller-${winner}`);
  expect(count(events, 'TaskDispatched', 'charge')).toBe(2);
  expect(count(events, 'TaskDispatched', 'after')).toBe(1);
  expect(count(events, 'TaskDispatched', 'hold')).toBe(1);
  expect(toolCalls(handle.workflowId, 'after').map((r) => r.input)).toEqual([{ got: winner }]);
  expect(toolCalls(handle.workflowId, 'hold')).toHaveLength(1);
  expect((await handle.query(taskContextQuery, 'charge'))?.runs).toHaveLength(2);
});

it('the same update id twice is one resume with one answer', async () => {
  const def = definition({
    id: 'idempotent-resume',
    tasks: [
      { id: 'a', type: 'basic', tool: 'stall', with: { ms: 300 }, on_success: { next: 'b' } },
      { id: 'b', type: 'basic', tool: 'record', with: { step: 'b' } },
    ],
  });
  const handle = await startExecution(env.t.client, env.w.taskQueue, def);
  await eventOf(handle, 'TaskDispatched', 'a');
  await handle.executeUpdate(pauseUpdate, { args: [{}] });
  await paused(handle);

  const updateId = `resume-${handle.workflowId}`;
  const first = await handle.executeUpdate(resumeUpdate, { args: [{ reason: 'first' }], updateId });
  const second = await handle.executeUpdate(resumeUpdate, { args: [{ reason: 'second' }], updateId });
  expect(second).toEqual(first);
  expect(first.plan).toMatchObject({ ok: true, continues: [{ reason: 'manual' }] });

  await handle.result();
  const events = await journal(handle);
  expect(count(events, 'WorkflowExecutionResumed')).toBe(1);
  expect(events.find((e) => e.type === 'WorkflowExecutionResumed')?.data).toMatchObject({ reason: 'first' });
  expect(toolCalls(handle.workflowId, 'b')).toHaveLength(1);
});
