/**
 * The status changes only when it really changes (docs/design.md §3): WorkflowExecutionPaused and
 * Resumed are journaled when every live branch is held (or one moves again) — not between two tasks
 * of a branch, not during a retry's backoff. Commands sent before any worker ran the execution apply
 * in the order they arrived, after WorkflowExecutionStarted (always seq 1). A cancelled parallel
 * task waits for every branch to settle.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { WorkflowFailedError } from '@temporalio/client';
import { startTestWorker, useClientAndWorker } from '../harness';
import { cancellationsSeen, tools } from '../fixtures/test-tools';
import { decideSignal, decideUpdate, pauseSignal, pauseUpdate, resumeSignal, resumeUpdate, taskResumeSignal } from '../../../src/workflows/messages';
import { definition, journal, startExecution, types } from './start-execution';
import { count, eventOf, paused, statusWhen } from './pause-resume-probes';

const env = useClientAndWorker({ tools });

it('journals one pause when the free branch is done, none between its tasks or in its retry backoff', async () => {
  const def = definition({
    id: 'no-flicker',
    tasks: [
      {
        id: 'fan',
        type: 'parallel',
        branches: [
          { id: 'gated', tasks: [{ id: 'sign-off', type: 'approval' }] },
          {
            id: 'free',
            tasks: [
              { id: 'one', type: 'basic', tool: 'stall', with: { ms: 200 }, on_success: { next: 'two' } },
              { id: 'two', type: 'basic', tool: 'flaky', with: { failures: 1 }, retry: { maximum_attempts: 3, initial_interval: '300ms' }, on_success: { next: 'three' } },
              { id: 'three', type: 'basic', tool: 'echo', with: { three: true } },
            ],
          },
        ],
      },
    ],
  });
  const handle = await startExecution(env.t.client, env.w.taskQueue, def);
  await eventOf(handle, 'TaskExecutionSuccess', 'three');
  const status = await paused(handle);
  expect(status.pause).toMatchObject({ reason: 'approval_required', task_id: 'sign-off' });

  const events = await journal(handle);
  expect(count(events, 'TaskRetryScheduled', 'two')).toBe(1);
  expect(count(events, 'WorkflowExecutionPaused')).toBe(1);
  expect(count(events, 'WorkflowExecutionResumed')).toBe(0);
  const pausedAt = events.findIndex((e) => e.type === 'WorkflowExecutionPaused');
  const lastOfFree = events.findIndex((e) => e.type === 'TaskExecutionSuccess' && e.task_id === 'three');
  expect(pausedAt).toBeGreaterThan(lastOfFree);

  await handle.executeUpdate(decideUpdate, { args: [{ task_id: 'sign-off', decision: 'approve', actor: 'a' }] });
  expect((await handle.result()).status).toBe('completed');
  const after = await journal(handle);
  expect(count(after, 'WorkflowExecutionPaused')).toBe(1);
  expect(count(after, 'WorkflowExecutionResumed')).toBe(1);
});

it('journals the task a manual pause holds as next_task_id', async () => {
  const def = definition({
    id: 'manual-next',
    tasks: [
      { id: 'first', type: 'basic', tool: 'stall', with: { ms: 500 }, on_success: { next: 'second' } },
      { id: 'second', type: 'basic', tool: 'echo', with: { x: 1 } },
    ],
  });
  const handle = await startExecution(env.t.client, env.w.taskQueue, def);
  await statusWhen(handle, (s) => s.active_tasks.includes('first'), 'first running');
  await handle.executeUpdate(pauseUpdate, { args: [{ mode: 'graceful', reason: 'look', actor: 'ops' }] });
  const status = await paused(handle);
  expect(status.pause).toMatchObject({ reason: 'manual', next_task_id: 'second' });
  const pausedEvent = (await journal(handle)).find((e) => e.type === 'WorkflowExecutionPaused');
  expect(pausedEvent?.data).toMatchObject({ reason: 'manual', next_task_id: 'second' });
  await handle.executeUpdate(resumeUpdate, { args: [{ mode: 'continue' }] });
  expect((await handle.result()).status).toBe('completed');
});

it('applies commands sent before any worker ran the execution in arrival order, after WorkflowExecutionStarted', async () => {
  const queue = `no-worker-yet-${randomUUID()}`;
  const def = definition({ id: 'early-commands', tasks: [{ id: 'only', type: 'basic', tool: 'echo', with: { x: 1 } }] });
  const handle = await startExecution(env.t.client, queue, def);
  await handle.signal(resumeSignal, { mode: 'retry', tasks: { only: null } } as never);
  await handle.signal(decideSignal, { task_id: 42 } as never);
  await handle.signal(pauseSignal, { mode: 'graceful', actor: 'early' });
  await handle.signal(taskResumeSignal, 'not an object' as never);

  const late = await startTestWorker({ tools, taskQueue: queue });
  try {
    const status = await paused(handle);
    expect(status.pause).toMatchObject({ reason: 'manual', next_task_id: 'only' });
    const events = await journal(handle);
    expect(events[0]).toMatchObject({ seq: 1, type: 'WorkflowExecutionStarted' });
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    const rejected = events.filter((e) => e.type === 'CommandRejected').map((e) => e.data.command);
    expect(rejected).toEqual(['resume', 'decide', 'taskResume']);
    await handle.executeUpdate(resumeUpdate, { args: [{ mode: 'continue' }] });
    expect((await handle.result()).status).toBe('completed');
  } finally {
    await late.shutdown();
  }
});

it('a cancelled execution cancels every parallel branch before it closes', async () => {
  const def = definition({
    id: 'cancel-settles',
    tasks: [
      {
        id: 'fan',
        type: 'parallel',
        branches: [
          { id: 'a', tasks: [{ id: 'slow-a', type: 'basic', tool: 'sleep', with: { ms: 30_000 } }] },
          { id: 'b', tasks: [{ id: 'slow-b', type: 'basic', tool: 'sleep', with: { ms: 30_000 } }] },
        ],
      },
    ],
  });
  const handle = await startExecution(env.t.client, env.w.taskQueue, def);
  await statusWhen(handle, (s) => s.active_tasks.includes('slow-a') && s.active_tasks.includes('slow-b'), 'both branches running');
  await sleep(300);
  await handle.cancel();
  await expect(handle.result()).rejects.toBeInstanceOf(WorkflowFailedError);

  const events = await journal(handle);
  const closedAt = events.findIndex((e) => e.type === 'WorkflowExecutionCancelled');
  for (const task of ['slow-a', 'slow-b', 'fan']) {
    expect({ task, cancelled: count(events, 'TaskExecutionCancelled', task) }).toEqual({ task, cancelled: 1 });
    expect(events.findIndex((e) => e.type === 'TaskExecutionCancelled' && e.task_id === task)).toBeLessThan(closedAt);
  }
  // Both tools really stopped (WAIT_CANCELLATION_COMPLETED): the branches settled before the close.
  expect(cancellationsSeen).toEqual(expect.arrayContaining(['slow-a', 'slow-b']));
  expect(types(events).at(-1)).toBe('WorkflowExecutionCancelled');
});
