/**
 * Seed 000 at the workflow level: a tool's wait directive parks its task until a TaskResume (update or
 * signal) brings data; wait tasks take named signals whose payload meets their CEL condition, keep a
 * signal that came early, and follow `on_timeout`.
 */
import { useClientAndWorker } from '../harness';
import { askCalls, tools } from '../fixtures/test-tools';
import type { TaskResumeCommand } from '../../../src/workflows/commands';
import { statusQuery, taskContextQuery, taskResumeSignal, taskResumeUpdate } from '../../../src/workflows/messages';
import { definition, journal, startExecution, types } from './start-execution';
import { count, eventOf, paused, refusal } from './pause-resume-probes';

const env = useClientAndWorker({ tools });

const askDefinition = definition({
  id: 'seed-000',
  tasks: [
    {
      id: 'ask',
      type: 'basic',
      tool: 'ask',
      with: { wait_reason: 'Waiting for user approval', resume_conditions: { needs: 'an answer' }, resume_schema: { type: 'object', required: ['answer'] } },
      on_success: { next: 'use' },
    },
    { id: 'use', type: 'basic', tool: 'echo', with: { got: '{{ tasks.ask.output.answer.answer }}', resume: '{{ resume }}' } },
  ],
  outputs: { got: '{{ tasks.use.output.got }}' },
});

/** The seed's order for the waiting task, from the wait to the result. */
const seed000Order = ['TaskWaitingStarted', 'TaskWaitingResumed', 'TaskDispatched', 'TaskExecutionStarted', 'TaskExecutionSuccess'];

describe('docs/design.md §14.0: a tool wait directive', () => {
  it.each([
    ['update', (h: Awaited<ReturnType<typeof startExecution>>, c: TaskResumeCommand) => h.executeUpdate(taskResumeUpdate, { args: [c] })],
    ['signal', (h: Awaited<ReturnType<typeof startExecution>>, c: TaskResumeCommand) => h.signal(taskResumeSignal, c)],
  ])('waits, is resumed by a taskResume %s naming its task_exec_id, and runs the tool again with the data', async (_via, send) => {
    const handle = await startExecution(env.t.client, env.w.taskQueue, askDefinition);
    const waiting = await eventOf(handle, 'TaskWaitingStarted', 'ask');
    expect(waiting.data).toEqual({ wait_reason: 'Waiting for user approval', resume_conditions: { needs: 'an answer' } });
    const execId = waiting.task_exec_id!;

    const status = await paused(handle);
    expect(status.pause).toMatchObject({ reason: 'waiting_for_signal', task_id: 'ask', next_task_id: 'use' });
    expect(status.pause?.gates[0]).toMatchObject({ task_exec_id: execId, data: { wait_reason: 'Waiting for user approval', resume_conditions: { needs: 'an answer' } } });
    expect((await handle.query(taskContextQuery, 'ask'))?.status).toBe('waiting');

    await send(handle, { task_exec_id: execId, resume_data: { answer: 42 }, actor: 'user-7' });
    const result = await handle.result();
    expect(result.outputs).toEqual({ got: 42 });

    const events = await journal(handle);
    const ask = events.filter((e) => e.task_id === 'ask');
    expect(ask.every((e) => e.task_exec_id === execId)).toBe(true);
    expect(types(ask)).toEqual(['TaskScheduled', 'TaskDispatched', 'TaskExecutionStarted', ...seed000Order]);
    expect(ask.find((e) => e.type === 'TaskWaitingResumed')).toMatchObject({ actor: 'user-7', data: { resume_data: { answer: 42 }, via: 'taskResume' } });
    expect(askCalls.filter((c) => c.task_exec_id === execId).map((c) => c.resume)).toEqual([null, { answer: 42 }]);

    const ctx = await handle.query(taskContextQuery, 'ask');
    expect(ctx).toMatchObject({ status: 'succeeded', resume_data: { answer: 42 }, output: { answer: { answer: 42 } } });
    // The template variable `resume` is the data the last resume brought.
    expect((await handle.query(taskContextQuery, 'use'))?.output).toEqual({ got: 42, resume: { answer: 42 } });
  });

  it('refuses resume data against the directive schema, an unknown task_exec_id, and a task that does not wait', async () => {
    const handle = await startExecution(env.t.client, env.w.taskQueue, askDefinition);
    const waiting = await eventOf(handle, 'TaskWaitingStarted', 'ask');
    await paused(handle);

    const invalid = await refusal(handle.executeUpdate(taskResumeUpdate, { args: [{ task_exec_id: waiting.task_exec_id!, resume_data: { nope: 1 } }] }));
    expect(invalid.type).toBe('resume_data_invalid');
    expect(invalid.message).toContain('answer');
    expect((await refusal(handle.executeUpdate(taskResumeUpdate, { args: [{ task_exec_id: 'not-an-exec', resume_data: { answer: 1 } }] }))).type).toBe('task_not_found');
    expect((await refusal(handle.executeUpdate(taskResumeUpdate, { args: [{ task_id: 'use', resume_data: { answer: 1 } }] }))).type).toBe('task_not_waiting');
    expect((await handle.query(statusQuery)).status).toBe('paused');

    // Addressed by task id, too.
    await handle.executeUpdate(taskResumeUpdate, { args: [{ task_id: 'ask', resume_data: { answer: 'by id' } }] });
    expect((await handle.result()).outputs).toEqual({ got: 'by id' });
  });
});

describe('wait tasks', () => {
  const shipping = (extra: Record<string, unknown> = {}, before: Record<string, unknown>[] = []) =>
    definition({
      id: 'wait-shipping',
      tasks: [
        ...before,
        { id: 'wait-shipping', type: 'wait', wait_for: 'shipped', condition: 'signal.payload.carrier != ""', on_success: { next: 'notify' }, ...extra },
        { id: 'notify', type: 'basic', tool: 'echo', with: { carrier: '{{ tasks["wait-shipping"].output.carrier }}' }, final: true },
        { id: 'escalate', type: 'basic', tool: 'echo', with: { escalated: true } },
      ],
    });

  it('keeps waiting when the condition is false (CommandRejected condition_not_met) and wakes when it is true', async () => {
    const handle = await startExecution(env.t.client, env.w.taskQueue, shipping());
    const status = await paused(handle);
    expect(status.pause).toMatchObject({ reason: 'waiting_for_signal', task_id: 'wait-shipping', next_task_id: 'notify', gates: [{ data: { wait_for: 'shipped', condition: 'signal.payload.carrier != ""' } }] });
    expect(await eventOf(handle, 'TaskWaitingStarted', 'wait-shipping')).toMatchObject({ data: { resume_conditions: { signal: 'shipped', condition: 'signal.payload.carrier != ""' } } });

    await handle.signal('shipped', { carrier: '' });
    const rejected = await eventOf(handle, 'CommandRejected');
    expect(rejected.data).toMatchObject({ command: 'shipped', type: 'condition_not_met', payload: { carrier: '' } });
    expect((await handle.query(statusQuery)).pause?.reason).toBe('waiting_for_signal');
    expect((await handle.query(taskContextQuery, 'wait-shipping'))?.status).toBe('waiting');

    await handle.signal('shipped', { carrier: 'ups' });
    expect((await handle.result()).status).toBe('completed');
    expect((await handle.query(taskContextQuery, 'wait-shipping'))?.output).toEqual({ carrier: 'ups' });
    expect((await handle.query(taskContextQuery, 'notify'))?.output).toEqual({ carrier: 'ups' });
    const events = await journal(handle);
    expect(types(events, 'wait-shipping')).toEqual(['TaskScheduled', 'TaskWaitingStarted', 'TaskWaitingResumed', 'TaskExecutionSuccess']);
    expect(events.find((e) => e.type === 'TaskWaitingResumed')?.data).toEqual({ resume_data: { carrier: 'ups' }, via: 'signal:shipped' });
    expect(count(events, 'CommandRejected')).toBe(1);
  });

  it('keeps a signal that arrives before the wait starts and consumes it then', async () => {
    const handle = await startExecution(env.t.client, env.w.taskQueue, shipping({}, [{ id: 'pack', type: 'basic', tool: 'stall', with: { ms: 500 }, on_success: { next: 'wait-shipping' } }]));
    await eventOf(handle, 'TaskDispatched', 'pack');
    // An unmet payload is kept too, but never taken: only the one meeting the condition wakes the task.
    await handle.signal('shipped', { carrier: '' });
    await handle.signal('shipped', { carrier: 'dhl' });
    expect(types(await journal(handle), 'wait-shipping')).toEqual([]);

    expect((await handle.result()).status).toBe('completed');
    expect((await handle.query(taskContextQuery, 'notify'))?.output).toEqual({ carrier: 'dhl' });
    const events = await journal(handle);
    expect(types(events, 'wait-shipping')).toEqual(['TaskScheduled', 'TaskWaitingStarted', 'TaskWaitingResumed', 'TaskExecutionSuccess']);
    expect(count(events, 'CommandRejected')).toBe(0);
    // The execution never paused: the data was there when the task began to wait.
    expect(count(events, 'WorkflowExecutionPaused')).toBe(0);
  });

  it('times out with TaskWaitingTimedOut and follows on_timeout.next', async () => {
    const handle = await startExecution(env.t.client, env.w.taskQueue, shipping({ timeout: '300ms', on_timeout: { next: 'escalate' } }));
    expect((await handle.result()).status).toBe('completed');
    const events = await journal(handle);
    expect(events.find((e) => e.type === 'TaskWaitingTimedOut')).toMatchObject({ task_id: 'wait-shipping', data: { timeout: '300ms', next: 'escalate' } });
    expect(types(events, 'wait-shipping')).toEqual(['TaskScheduled', 'TaskWaitingStarted', 'TaskWaitingTimedOut', 'TaskExecutionFailed']);
    expect((await handle.query(taskContextQuery, 'wait-shipping'))).toMatchObject({ status: 'timed_out', error: { type: 'Timeout.wait' } });
    expect((await handle.query(taskContextQuery, 'escalate'))?.output).toEqual({ escalated: true });
    expect(await handle.query(taskContextQuery, 'notify')).toBeNull();
  });

  it('takes a taskResume with data matching resume_schema', async () => {
    const handle = await startExecution(env.t.client, env.w.taskQueue, shipping({ resume_schema: { type: 'object', required: ['carrier'], properties: { carrier: { type: 'string' } } } }));
    await paused(handle);
    expect((await refusal(handle.executeUpdate(taskResumeUpdate, { args: [{ task_id: 'wait-shipping', resume_data: { carrier: 7 } }] }))).type).toBe('resume_data_invalid');
    expect((await refusal(handle.executeUpdate(taskResumeUpdate, { args: [{ task_id: 'wait-shipping', resume_data: { carrier: '' } }] }))).type).toBe('condition_not_met');
    await handle.executeUpdate(taskResumeUpdate, { args: [{ task_id: 'wait-shipping', resume_data: { carrier: 'fedex' } }] });
    expect((await handle.result()).status).toBe('completed');
    expect((await handle.query(taskContextQuery, 'notify'))?.output).toEqual({ carrier: 'fedex' });
  });
});
