/**
 * Seed 000 driven by an operator with the real `temporal` binary: `temporal workflow signal --name
 * taskResume` wakes a task that a tool parked with a wait directive, and `temporal workflow query`
 * shows the status and the task context. Also the update path (`temporal workflow update execute`)
 * and a generic signal for a wait task.
 */
import type { StatusView, TaskContextView } from '../../../src/workflows/contracts';
import type { JournalEvent } from '../../../src/workflows/events';
import { useClientAndWorker, useTemporalCli } from '../harness';
import { askCalls, tools } from '../fixtures/test-tools';
import { definition, journal, startExecution, types } from './start-execution';
import { eventOf, paused } from './pause-resume-probes';

const env = useClientAndWorker({ tools });
const cli = useTemporalCli(env);
const temporal = (...args: string[]) => cli.run(...args);

async function query<T>(workflowId: string, name: string, input?: unknown): Promise<T> {
  const out = await temporal('workflow', 'query', '--workflow-id', workflowId, '--name', name, ...(input === undefined ? [] : ['--input', JSON.stringify(input)]), '--output', 'json');
  return (JSON.parse(out) as { queryResult: T[] }).queryResult[0] as T;
}

const seed000 = definition({
  id: 'seed-000-cli',
  tasks: [
    { id: 'ask', type: 'basic', tool: 'ask', with: { wait_reason: 'Waiting for user approval', resume_conditions: { answer: 'yes or no' } }, on_success: { next: 'after' } },
    { id: 'after', type: 'basic', tool: 'echo', with: { answer: '{{ tasks.ask.output.answer.answer }}' } },
  ],
  outputs: { answer: '{{ tasks.after.output.answer }}' },
});

it('wakes a waiting task with `temporal workflow signal --name taskResume` and shows the result through `temporal workflow query`', async () => {
  const handle = await startExecution(env.t.client, env.w.taskQueue, seed000);
  const waiting = await eventOf(handle, 'TaskWaitingStarted', 'ask');
  await paused(handle);

  const before = await query<StatusView>(handle.workflowId, 'status');
  expect(before).toMatchObject({ status: 'paused', pause: { reason: 'waiting_for_signal', task_id: 'ask', gates: [{ task_exec_id: waiting.task_exec_id }] } });

  const resume = { task_exec_id: waiting.task_exec_id, resume_data: { answer: 'yes' }, actor: 'cli-operator' };
  await temporal('workflow', 'signal', '--workflow-id', handle.workflowId, '--name', 'taskResume', '--input', JSON.stringify(resume));
  expect((await handle.result()).outputs).toEqual({ answer: 'yes' });

  const status = await query<StatusView>(handle.workflowId, 'status');
  expect(status).toMatchObject({ status: 'completed', pause: null });
  const ctx = await query<TaskContextView>(handle.workflowId, 'taskContext', 'ask');
  expect(ctx).toMatchObject({ task_exec_id: waiting.task_exec_id, status: 'succeeded', resume_data: { answer: 'yes' }, output: { answer: { answer: 'yes' } } });
  expect(askCalls.filter((c) => c.task_exec_id === waiting.task_exec_id).map((c) => c.resume)).toEqual([null, { answer: 'yes' }]);

  const events = await query<{ events: JournalEvent[] }>(handle.workflowId, 'events', { after: 0, limit: 1000 });
  const ask = events.events.filter((e) => e.task_id === 'ask');
  expect(types(ask)).toEqual(['TaskScheduled', 'TaskDispatched', 'TaskExecutionStarted', 'TaskWaitingStarted', 'TaskWaitingResumed', 'TaskDispatched', 'TaskExecutionStarted', 'TaskExecutionSuccess']);
  expect(ask.find((e) => e.type === 'TaskWaitingResumed')).toMatchObject({ actor: 'cli-operator', data: { via: 'taskResume' } });
});

it('journals a refused CLI signal and takes a CLI update, which answers with the status', async () => {
  const handle = await startExecution(env.t.client, env.w.taskQueue, seed000);
  const waiting = await eventOf(handle, 'TaskWaitingStarted', 'ask');
  await paused(handle);

  await temporal('workflow', 'signal', '--workflow-id', handle.workflowId, '--name', 'taskResume', '--input', JSON.stringify({ task_exec_id: 'no-such-run' }));
  expect(await eventOf(handle, 'CommandRejected')).toMatchObject({ data: { command: 'taskResume', type: 'task_not_found' } });

  const out = await temporal('workflow', 'update', 'execute', '--workflow-id', handle.workflowId, '--name', 'taskResume', '--input', JSON.stringify({ task_exec_id: waiting.task_exec_id, resume_data: { answer: 'no' } }), '--output', 'json');
  expect(JSON.parse(out)).toMatchObject({ name: 'taskResume', result: { execution_id: handle.workflowId, status: 'running', pause: null } });
  expect((await handle.result()).outputs).toEqual({ answer: 'no' });
});

it('feeds a wait task with a generic `temporal workflow signal --name <wait_for>`', async () => {
  const def = definition({
    id: 'wait-cli',
    tasks: [
      { id: 'wait-shipping', type: 'wait', wait_for: 'shipped', condition: 'signal.payload.carrier != ""', on_success: { next: 'notify' } },
      { id: 'notify', type: 'basic', tool: 'echo', with: { carrier: '{{ tasks["wait-shipping"].output.carrier }}' } },
    ],
  });
  const handle = await startExecution(env.t.client, env.w.taskQueue, def);
  await paused(handle);
  await temporal('workflow', 'signal', '--workflow-id', handle.workflowId, '--name', 'shipped', '--input', '{"carrier": "ups"}');
  expect((await handle.result()).status).toBe('completed');
  const ctx = await query<TaskContextView>(handle.workflowId, 'taskContext', 'notify');
  expect(ctx.output).toEqual({ carrier: 'ups' });
  expect(types(await journal(handle), 'wait-shipping')).toContain('TaskWaitingResumed');
});
