/**
 * Paused means nothing moves on until someone resumes (docs/design.md §3): an execution under a
 * manual pause never completes or fails by itself. In-flight work may finish; the close waits for
 * the resume — or for a cancel.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { WorkflowFailedError } from '@temporalio/client';
import { useClientAndWorker } from '../harness';
import { tools } from '../fixtures/test-tools';
import { pauseUpdate, resumeUpdate, statusQuery } from '../../../src/workflows/messages';
import { definition, journal, startExecution, types } from './start-execution';
import { paused, statusWhen } from './pause-resume-probes';

const env = useClientAndWorker({ tools });

/** The status stays `paused` for a while: nothing closes the execution by itself. */
async function staysPaused(handle: Parameters<typeof paused>[0], ms = 1500): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    expect((await handle.query(statusQuery)).status).toBe('paused');
    await sleep(100);
  }
}

it('a graceful pause during the last task holds the close until the resume', async () => {
  const def = definition({ id: 'last-task-pause', tasks: [{ id: 'last', type: 'basic', tool: 'stall', with: { ms: 700, output: { done: true } } }], outputs: { done: '{{ tasks.last.output.done }}' } });
  const handle = await startExecution(env.t.client, env.w.taskQueue, def);
  await statusWhen(handle, (s) => s.active_tasks.includes('last'), 'last running');
  const pausing = await handle.executeUpdate(pauseUpdate, { args: [{ reason: 'hold it', mode: 'graceful', actor: 'ops' }] });
  expect(pausing.status).toBe('pausing');

  const status = await paused(handle);
  expect(status.pause).toMatchObject({ reason: 'manual' });
  expect(status.pause?.gates[0]?.data).toMatchObject({ holds_closing: true, actor: 'ops' });
  await staysPaused(handle);
  expect(types(await journal(handle))).not.toContain('WorkflowExecutionSuccess');

  await handle.executeUpdate(resumeUpdate, { args: [{ mode: 'continue', actor: 'ops' }] });
  const result = await handle.result();
  expect(result).toMatchObject({ status: 'completed', outputs: { done: true } });
  const events = types(await journal(handle));
  expect(events.slice(-4)).toEqual(['TaskExecutionSuccess', 'WorkflowExecutionPaused', 'WorkflowExecutionResumed', 'WorkflowExecutionSuccess']);
});

it('a last task that fails under a graceful pause does not fail the execution until the resume', async () => {
  const def = definition({ id: 'last-task-fails', tasks: [{ id: 'last', type: 'basic', tool: 'stall', with: { ms: 600, fail: true } }] });
  const handle = await startExecution(env.t.client, env.w.taskQueue, def);
  await statusWhen(handle, (s) => s.active_tasks.includes('last'), 'last running');
  await handle.executeUpdate(pauseUpdate, { args: [{ mode: 'graceful' }] });
  const status = await statusWhen(handle, (s) => s.pause?.gates[0]?.data.holds_closing === true, 'close held');
  expect(status.status).toBe('paused');
  expect(types(await journal(handle), 'last')).toContain('TaskExecutionFailed');
  await staysPaused(handle, 1000);
  await handle.executeUpdate(resumeUpdate, { args: [{ mode: 'continue' }] });
  await expect(handle.result()).rejects.toBeInstanceOf(WorkflowFailedError);
  expect(types(await journal(handle)).at(-1)).toBe('WorkflowExecutionFailed');
});

it('a wait woken by a signal while paused finishes its task, then holds the close', async () => {
  const def = definition({ id: 'wait-while-paused', tasks: [{ id: 'shipped', type: 'wait', wait_for: 'shipped' }], outputs: { carrier: '{{ tasks.shipped.output.carrier }}' } });
  const handle = await startExecution(env.t.client, env.w.taskQueue, def);
  await paused(handle);
  await handle.executeUpdate(pauseUpdate, { args: [{ reason: 'audit', mode: 'graceful' }] });
  await handle.signal('shipped', { carrier: 'DHL' });

  const status = await statusWhen(handle, (s) => s.status === 'paused' && s.pause?.gates.every((g) => g.reason === 'manual') === true, 'only the manual pause left');
  expect(status.pause?.gates[0]?.data).toMatchObject({ holds_closing: true });
  await staysPaused(handle);

  await handle.executeUpdate(resumeUpdate, { args: [{ mode: 'continue' }] });
  expect(await handle.result()).toMatchObject({ status: 'completed', outputs: { carrier: 'DHL' } });
});

it('a cancel closes a paused execution whose close is held', async () => {
  const def = definition({ id: 'cancel-held-close', tasks: [{ id: 'last', type: 'basic', tool: 'stall', with: { ms: 300 } }] });
  const handle = await startExecution(env.t.client, env.w.taskQueue, def);
  await statusWhen(handle, (s) => s.active_tasks.includes('last'), 'last running');
  await handle.executeUpdate(pauseUpdate, { args: [{ mode: 'graceful' }] });
  await statusWhen(handle, (s) => s.pause?.gates[0]?.data.holds_closing === true, 'close held');
  await handle.cancel();
  await expect(handle.result()).rejects.toBeInstanceOf(WorkflowFailedError);
  expect((await handle.query(statusQuery)).status).toBe('cancelled');
});
