/**
 * Waiting tasks through REST (docs/design.md §14.0): TaskResume on a `wait` task and on a tool's wait directive,
 * with the seed's event order; generic signals waking a `wait` task, a false `condition` keeping it
 * waiting; every refusal as problem+json.
 */
import { askCalls } from '../fixtures/test-tools';
import { waitFor } from '../harness';
import { expectProblem, startApiContext, type ApiContext } from './api-context';
import { ExecutionDriver } from './execution-driver';
import { shippingWait } from '../fixtures/edge-definitions';

jest.setTimeout(60_000);

let ctx: ApiContext;
let api: ExecutionDriver;

const url = (id: string, path: string) => `/api/v1/executions/${id}/${path}`;

beforeAll(async () => {
  ctx = await startApiContext();
  api = new ExecutionDriver(ctx.app);
  await api.register(shippingWait('shipping'));
  await api.register({
    id: 'asker',
    tasks: [
      {
        id: 'ask',
        type: 'basic',
        tool: 'ask',
        with: { wait_reason: 'needs the approval code', resume_conditions: { field: 'code' }, resume_schema: { type: 'object', required: ['code'] } },
        on_success: { next: 'use' },
      },
      { id: 'use', type: 'basic', tool: 'echo', with: { answer: '{{ tasks.ask.output.answer }}' } },
    ],
  });
});

afterAll(async () => {
  await ctx?.close();
});

async function waitingOn(workflowId: string, taskId: string): Promise<string> {
  const id = await api.trigger(workflowId);
  await api.waitForStatus(id, 'paused', (s) => s.pause?.reason === 'waiting_for_signal' && s.pause.task_id === taskId);
  return id;
}

describe('generic signals', () => {
  it('a payload that fails the condition keeps the task waiting; a matching one wakes it', async () => {
    const id = await waitingOn('shipping', 'ship');
    const early = await api.post(url(id, 'signals/shipped'), { payload: { carrier: '' } });
    expect(early.statusCode).toBe(202);
    expect(early.json()).toEqual({ execution_id: id, signal: 'shipped', accepted: true });
    const rejected = await waitFor(async () => (await api.events(id)).find((e) => e.type === 'CommandRejected'), { what: 'CommandRejected' });
    expect(rejected.data).toMatchObject({ command: 'shipped', type: 'condition_not_met' });
    expect((await api.status(id)).pause?.task_id).toBe('ship');

    const unrelated = await api.post(url(id, 'signals/delivered'), { payload: { carrier: 'ups' } });
    expect(unrelated.statusCode).toBe(202);
    expect((await api.status(id)).status).toBe('paused');

    expect((await api.post(url(id, 'signals/shipped'), { payload: { carrier: 'ups' } })).statusCode).toBe(202);
    await api.waitForStatus(id, 'completed');
    const state = await api.execution(id);
    expect(state.outputs).toEqual({ carrier: 'ups' });
    expect(state.tasks.find((t) => t.task_id === 'ship')).toMatchObject({ status: 'succeeded', output: { carrier: 'ups' } });
    const resumed = (await api.events(id)).find((e) => e.type === 'TaskWaitingResumed');
    expect(resumed).toMatchObject({ task_id: 'ship', data: { resume_data: { carrier: 'ups' }, via: 'signal:shipped' } });
  });

  it('refuses command names, bad names, closed and unknown executions', async () => {
    const id = await waitingOn('shipping', 'ship');
    for (const name of ['pause', 'resume', 'taskResume', 'decide', 'commandRejected', '1abc', 'a b']) {
      const res = await api.post(url(id, `signals/${encodeURIComponent(name)}`), { payload: {} });
      expect(expectProblem(res, 400, 'validation_error').errors[0]?.path).toBe('params.name');
    }
    expect(expectProblem(await api.post(url(id, 'signals/shipped'), { carrier: 'ups' }), 400, 'validation_error').errors[0]?.path).toBe('body');
    expectProblem(await api.post(url('shipping-00000000-0000-4000-8000-000000000000', 'signals/shipped'), {}), 404, 'execution_not_found');
    expectProblem(await api.post(url(ctx.registryId, 'signals/shipped'), {}), 404, 'execution_not_found');
    expect((await api.post(`/api/v1/executions/${id}/cancel`)).statusCode).toBe(202);
    await api.waitForStatus(id, 'cancelled');
    expect(expectProblem(await api.post(url(id, 'signals/shipped'), { payload: { carrier: 'ups' } }), 409, 'execution_closed')).toMatchObject({
      execution_status: 'cancelled',
    });
  });
});

describe('TaskResume on a wait task', () => {
  it('checks resume_schema and the condition synchronously, then wakes the task', async () => {
    const id = await waitingOn('shipping', 'ship');
    const invalid = await api.post(url(id, 'tasks/ship/resume'), { resume_data: { carrier: 7 } });
    expect(expectProblem(invalid, 422, 'resume_data_invalid').errors).toEqual([expect.objectContaining({ path: 'carrier' })]);
    expectProblem(await api.post(url(id, 'tasks/ship/resume'), { resume_data: { carrier: '' } }), 409, 'condition_not_met');
    expectProblem(await api.post(url(id, 'tasks/notify/resume'), { resume_data: {} }), 409, 'task_not_waiting');
    expectProblem(await api.post(url(id, 'tasks/nowhere/resume'), { resume_data: {} }), 404, 'task_not_found');
    expect(expectProblem(await api.post(url(id, 'tasks/ship/resume'), { data: {} }), 400, 'validation_error').errors[0]?.path).toBe('body');
    // Synchronous refusals leave no trace.
    expect(await api.eventTypes(id)).not.toContain('CommandRejected');

    const res = await api.post(url(id, 'tasks/ship/resume'), { resume_data: { carrier: 'dhl' } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ execution_id: id });
    await api.waitForStatus(id, 'completed');
    expect((await api.execution(id)).outputs).toEqual({ carrier: 'dhl' });
    const resumed = (await api.events(id)).find((e) => e.type === 'TaskWaitingResumed');
    expect(resumed).toMatchObject({ task_id: 'ship', actor: 'anonymous', data: { resume_data: { carrier: 'dhl' }, via: 'taskResume' } });
    expectProblem(await api.post(url(id, 'tasks/ship/resume'), { resume_data: { carrier: 'dhl' } }), 409, 'execution_closed');
  });
});

describe('TaskResume on a tool wait directive (docs/design.md §14.0)', () => {
  it('parks the task, wakes it by task_exec_id, runs the tool again with ctx.resume, in the seed’s event order', async () => {
    const id = await waitingOn('asker', 'ask');
    const status = await api.status(id);
    const gate = status.pause!.gates[0]!;
    expect(gate).toMatchObject({ reason: 'waiting_for_signal', task_id: 'ask', data: expect.objectContaining({ wait_reason: 'needs the approval code' }) });
    const taskExecId = gate.task_exec_id!;

    expectProblem(await api.post(url(id, `tasks/${taskExecId}/resume`), { resume_data: { nope: 1 } }), 422, 'resume_data_invalid');
    expectProblem(await api.post(url(id, 'tasks/00000000-0000-4000-8000-000000000000/resume'), { resume_data: { code: 'x' } }), 404, 'task_not_found');
    const res = await api.post(url(id, `tasks/${taskExecId}/resume`), { resume_data: { code: 'A-42' } });
    expect(res.statusCode).toBe(200);
    await api.waitForStatus(id, 'completed');

    const calls = askCalls.filter((c) => c.task_exec_id === taskExecId);
    expect(calls.map((c) => c.resume)).toEqual([null, { code: 'A-42' }]);
    const use = await api.taskContext(id, 'use');
    expect(use.output).toEqual({ answer: { code: 'A-42' } });

    const events = (await api.events(id)).filter((e) => e.task_exec_id === taskExecId);
    expect(events.map((e) => e.type)).toEqual([
      'TaskScheduled',
      'TaskDispatched',
      'TaskExecutionStarted',
      'TaskWaitingStarted',
      'TaskWaitingResumed',
      'TaskDispatched',
      'TaskExecutionStarted',
      'TaskExecutionSuccess',
    ]);
    expect(events.find((e) => e.type === 'TaskWaitingStarted')?.data).toMatchObject({ wait_reason: 'needs the approval code', resume_conditions: { field: 'code' } });
    expect(events.find((e) => e.type === 'TaskWaitingResumed')?.data).toMatchObject({ resume_data: { code: 'A-42' } });
    const context = await api.taskContext(id, 'ask');
    expect(context).toMatchObject({ task_exec_id: taskExecId, resume_data: { code: 'A-42' }, output: { answer: { code: 'A-42' } } });
  });
});
