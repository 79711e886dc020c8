/**
 * Pause, resume and repair through REST (docs/design.md §4, §5, §14.3, §14.4) against a real server and
 * worker: manual pause, the dry run (journal and history untouched), retry with a changed input or a
 * patched context (task context before and after), skip with a supplied output, every failed branch
 * listed in `missing`, refusals, and concurrent and idempotent resumes.
 */
import { recorded } from '../fixtures/test-tools';
import { expectProblem, startApiContext, type ApiContext } from './api-context';
import { ExecutionDriver } from './execution-driver';

jest.setTimeout(90_000);

let ctx: ApiContext;
let api: ExecutionDriver;

const once = { maximum_attempts: 1 };

beforeAll(async () => {
  ctx = await startApiContext();
  api = new ExecutionDriver(ctx.app);
  // fetch → charge (fails while input.failures > 0; pauses on failure) → after (records what it saw) → hold (waits).
  await api.register({
    id: 'repairable',
    input: { type: 'object', properties: { failures: { type: 'integer' }, hold: { type: 'boolean' } } },
    tasks: [
      { id: 'fetch', type: 'basic', tool: 'echo', with: { item: 'book' }, on_success: { next: 'charge' } },
      {
        id: 'charge',
        type: 'basic',
        tool: 'flaky',
        with: { failures: '{{ input.failures }}' },
        retry: once,
        output_schema: { type: 'object', required: ['attempts'], properties: { attempts: { type: 'integer' } } },
        on_error: { pause: true },
        on_success: { next: 'after' },
      },
      { id: 'after', type: 'basic', tool: 'record', with: { charge: '{{ tasks.charge.output }}', item: '{{ tasks.fetch.output.item }}' }, on_success: { next: 'hold' } },
      { id: 'hold', type: 'wait', wait_for: 'finish' },
    ],
  });
  await api.register({
    id: 'two-branches',
    config: { on_task_failure: 'pause' },
    tasks: [
      {
        id: 'fan',
        type: 'parallel',
        branches: [
          { id: 'left', tasks: [{ id: 'l1', type: 'basic', tool: 'fail', with: { message: 'left down', non_retryable: true } }] },
          { id: 'right', tasks: [{ id: 'r1', type: 'basic', tool: 'fail', with: { message: 'right down', non_retryable: true } }] },
        ],
        on_success: { next: 'join' },
      },
      { id: 'join', type: 'basic', tool: 'record', with: { left: '{{ tasks.l1.output }}', right: '{{ tasks.r1.output }}' } },
    ],
  });
  await api.register({
    id: 'mixed-gates',
    tasks: [
      {
        id: 'both',
        type: 'parallel',
        branches: [
          { id: 'approval', tasks: [{ id: 'sign', type: 'approval' }] },
          { id: 'work', tasks: [{ id: 'broken', type: 'basic', tool: 'fail', with: { non_retryable: true }, on_error: { pause: true } }] },
        ],
      },
    ],
  });
  await api.register({
    id: 'napper',
    tasks: [
      { id: 'nap', type: 'basic', tool: 'sleep', with: { ms: '{{ input.ms }}' }, on_success: { next: 'wake' } },
      { id: 'wake', type: 'basic', tool: 'record', with: { woke: true } },
    ],
  });
});

afterAll(async () => {
  await ctx?.close();
});

const url = (id: string, path: string) => `/api/v1/executions/${id}/${path}`;

/** A `repairable` execution paused on its failed `charge`. */
async function failedCharge(failures = 3): Promise<string> {
  const id = await api.trigger('repairable', { failures });
  await api.waitForStatus(id, 'paused', (s) => s.pause?.reason === 'task_failed');
  return id;
}

async function historyLength(id: string): Promise<number> {
  const history = await ctx.t.client.workflow.getHandle(id).fetchHistory();
  return history.events?.length ?? 0;
}

function count(types: string[], type: string): number {
  return types.filter((t) => t === type).length;
}

describe('a failed task pauses its branch (on_error: pause)', () => {
  it('shows task_failed with the failed task and where it would go next', async () => {
    const id = await failedCharge();
    const status = await api.status(id);
    expect(status.pause).toMatchObject({
      reason: 'task_failed',
      task_id: 'charge',
      next_task_id: 'after',
      gates: [expect.objectContaining({ reason: 'task_failed', task_id: 'charge', data: expect.objectContaining({ error: expect.objectContaining({ message: 'flaky failure 1' }) }) })],
    });
  });
});

describe('dry run', () => {
  it('answers the plan, or what is missing, and leaves the journal and the history untouched', async () => {
    const id = await failedCharge();
    const eventsBefore = await api.events(id);
    const historyBefore = await historyLength(id);

    const good = await api.post(url(id, 'resume?dry_run=true'), { mode: 'retry', tasks: { charge: { input: { failures: 0 } } } });
    expect(good.statusCode).toBe(200);
    expect(good.json()).toEqual({
      execution_id: id,
      dry_run: true,
      status: null,
      plan: {
        ok: true,
        error: null,
        missing: [],
        continues: [],
        retries: [{ task_id: 'charge', task_exec_id: expect.any(String), input: 'override' }],
        skips: [],
        still_open: [],
      },
    });

    const lacking = await api.post(url(id, 'resume?dry_run=true'), { mode: 'continue' });
    expect(lacking.statusCode).toBe(200);
    expect(lacking.json().plan).toMatchObject({
      ok: false,
      error: { type: 'resume_requirements_unmet' },
      missing: [{ task_id: 'charge', need: expect.stringContaining('retry or skip') }],
    });
    const completed = await api.post(url(id, 'resume?dry_run=true'), { mode: 'retry', tasks: { fetch: {} } });
    expect(completed.json().plan).toMatchObject({ ok: false, error: { type: 'task_already_completed' } });

    expect(await api.events(id)).toEqual(eventsBefore);
    expect(await historyLength(id)).toBe(historyBefore);
    expect((await api.status(id)).status).toBe('paused');
  });
});

describe('retry', () => {
  it('re-runs the failed task with a changed input; downstream sees the new output', async () => {
    const id = await failedCharge();
    const res = await api.post(url(id, 'resume'), { mode: 'retry', tasks: { charge: { input: { failures: 0 } } }, reason: 'card fixed' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      execution_id: id,
      dry_run: false,
      plan: { ok: true, retries: [{ task_id: 'charge', input: 'override' }] },
      status: { execution_id: id },
    });
    await api.waitForStatus(id, 'paused', (s) => s.pause?.task_id === 'hold');
    const charge = await api.taskContext(id, 'charge');
    expect(charge).toMatchObject({ status: 'succeeded', input: { failures: 0 }, output: { attempts: 1 } });
    expect(charge.runs.map((r) => r.status)).toEqual(['failed', 'succeeded']);
    const after = recorded.filter((r) => r.idempotency_key.startsWith(`${id}:`) && r.task_id === 'after');
    expect(after.map((r) => r.input)).toEqual([{ charge: { attempts: 1, attempt: 1 }, item: 'book' }]);
    const resumed = (await api.events(id)).filter((e) => e.type === 'WorkflowExecutionResumed' && e.actor === 'anonymous');
    expect(resumed).toEqual([expect.objectContaining({ data: expect.objectContaining({ mode: 'retry', reason: 'card fixed' }) })]);
  });

  it('patches the inbound context: the task context shows the context before and the merged one after', async () => {
    const id = await failedCharge(2);
    const before = await api.taskContext(id, 'charge');
    expect(before).toMatchObject({
      status: 'failed',
      input: { failures: 2 },
      inbound_context: { input: { failures: 2 }, tasks: { fetch: { status: 'succeeded', output: { item: 'book' } } } },
    });

    const res = await api.post(url(id, 'resume'), { mode: 'retry', tasks: { charge: {} }, context: { input: { failures: 0 }, note: 'patched' } });
    expect(res.statusCode).toBe(200);
    expect(res.json().plan.retries).toEqual([expect.objectContaining({ task_id: 'charge', input: 'resolved again' })]);
    await api.waitForStatus(id, 'paused', (s) => s.pause?.task_id === 'hold');

    const after = await api.taskContext(id, 'charge');
    expect(after).toMatchObject({
      status: 'succeeded',
      input: { failures: 0 },
      inbound_context: { input: { failures: 0 }, note: 'patched', tasks: { fetch: { output: { item: 'book' } } } },
    });
    expect(after.task_exec_id).not.toBe(before.task_exec_id);
    expect(after.runs).toHaveLength(2);
  });
});

describe('skip', () => {
  it('marks the failed task skipped with the supplied output and continues with on_success', async () => {
    const id = await failedCharge();
    const missingOutput = await api.post(url(id, 'resume'), { mode: 'skip', tasks: { charge: {} } });
    expect(expectProblem(missingOutput, 409, 'resume_requirements_unmet').missing).toEqual([{ task_id: 'charge', need: expect.stringContaining('output') }]);
    const badOutput = await api.post(url(id, 'resume'), { mode: 'skip', tasks: { charge: { output: { attempts: 'many' } } } });
    expectProblem(badOutput, 422, 'output_invalid');

    const res = await api.post(url(id, 'resume'), { mode: 'skip', tasks: { charge: { output: { attempts: 42, manual: true } } } });
    expect(res.statusCode).toBe(200);
    expect(res.json().plan.skips).toEqual([{ task_id: 'charge', task_exec_id: expect.any(String), output: { attempts: 42, manual: true } }]);
    await api.waitForStatus(id, 'paused', (s) => s.pause?.task_id === 'hold');
    const state = await api.execution(id);
    expect(state.tasks.find((t) => t.task_id === 'charge')).toMatchObject({ status: 'skipped', output: { attempts: 42, manual: true } });
    expect(state.tasks.find((t) => t.task_id === 'after')).toMatchObject({ status: 'succeeded', output: { charge: { attempts: 42, manual: true }, item: 'book' } });
    expect(await api.eventTypes(id)).toContain('TaskSkipped');
  });
});

describe('failed parallel branches', () => {
  it('a resume naming one failed branch is 409 listing the other in missing; addressing both resumes', async () => {
    const id = await api.trigger('two-branches');
    const paused = await api.waitForStatus(id, 'paused', (s) => (s.pause?.gates.length ?? 0) === 2);
    expect(paused.pause?.gates.map((g) => [g.task_id, g.branch]).sort()).toEqual([
      ['l1', 'fan/left'],
      ['r1', 'fan/right'],
    ]);
    const one = await api.post(url(id, 'resume'), { mode: 'retry', tasks: { l1: {} } });
    const problem = expectProblem(one, 409, 'resume_requirements_unmet');
    expect(problem.missing).toEqual([{ task_id: 'r1', need: expect.any(String) }]);
    expect(problem.still_open).toEqual([]);
    expect(problem.detail).toContain('r1');

    const plan = (await api.post(url(id, 'resume?dry_run=true'), { mode: 'skip', tasks: { l1: { output: { v: 'L' } }, r1: { output: { v: 'R' } } } })).json().plan;
    expect(plan).toMatchObject({ ok: true, skips: [{ task_id: 'l1' }, { task_id: 'r1' }] });

    const both = await api.post(url(id, 'resume'), { mode: 'skip', tasks: { l1: { output: { v: 'L' } }, r1: { output: { v: 'R' } } } });
    expect(both.statusCode).toBe(200);
    await api.waitForStatus(id, 'completed');
    const join = await api.taskContext(id, 'join');
    expect(join.output).toEqual({ left: { v: 'L' }, right: { v: 'R' } });
  });
});

describe('gates in different branches', () => {
  it('repairs a failed branch while an approval in another stays open (still_open), then the approval finishes it', async () => {
    const id = await api.trigger('mixed-gates');
    const paused = await api.waitForStatus(id, 'paused', (s) => (s.pause?.gates.length ?? 0) === 2);
    expect(paused.pause?.gates.map((g) => g.reason).sort()).toEqual(['approval_required', 'task_failed']);
    const plan = (await api.post(url(id, 'resume?dry_run=true'), { mode: 'skip', tasks: { broken: { output: { fixed: true } } } })).json();
    expect(plan.plan).toMatchObject({ ok: true, skips: [{ task_id: 'broken' }], still_open: [{ task_id: 'sign', reason: 'approval_required' }] });
    const notYet = await api.post(url(id, 'resume'), {});
    expect(expectProblem(notYet, 409, 'resume_requirements_unmet').still_open).toEqual([{ task_id: 'sign', reason: 'approval_required' }]);

    expect((await api.post(url(id, 'resume'), { mode: 'skip', tasks: { broken: { output: { fixed: true } } } })).statusCode).toBe(200);
    const waiting = await api.waitForStatus(id, 'paused', (s) => s.pause?.gates.length === 1);
    expect(waiting.pause).toMatchObject({ reason: 'approval_required', task_id: 'sign' });
    expectProblem(await api.post(url(id, 'resume'), {}), 409, 'not_paused');
    expect((await api.post(url(id, 'approvals/sign'), { decision: 'approve' })).statusCode).toBe(200);
    await api.waitForStatus(id, 'completed');
  });
});

describe('refusals', () => {
  it('a target that already succeeded is 409 task_already_completed', async () => {
    const id = await failedCharge();
    const res = await api.post(url(id, 'resume'), { mode: 'retry', tasks: { fetch: {}, charge: {} } });
    expect(expectProblem(res, 409, 'task_already_completed')).toMatchObject({ execution_id: id, command: 'resume' });
    expectProblem(await api.post(url(id, 'resume'), { mode: 'retry', tasks: { ghost: {} } }), 404, 'task_not_found');
    expectProblem(await api.post(url(id, 'resume'), { tasks: { charge: {} } }), 400, 'command_invalid');
  });

  it('not paused is 409 not_paused; closed is 409 execution_closed; unknown is 404', async () => {
    const id = await api.trigger('napper', { ms: 1500 });
    const res = await api.post(url(id, 'resume'), {});
    expect(expectProblem(res, 409, 'not_paused')).toMatchObject({ execution_id: id });
    await api.waitForStatus(id, 'completed');
    expect(expectProblem(await api.post(url(id, 'resume'), {}), 409, 'execution_closed')).toMatchObject({ execution_status: 'completed' });
    expectProblem(await api.post(url(id, 'pause'), {}), 409, 'execution_closed');
    expectProblem(await api.post(url('napper-00000000-0000-4000-8000-000000000000', 'resume'), {}), 404, 'execution_not_found');
    expectProblem(await api.post(url(ctx.registryId, 'pause'), {}), 404, 'execution_not_found');
  });

  it('refuses invalid bodies with 400 problem+json before they reach the workflow', async () => {
    const id = await failedCharge();
    const cases: Array<[string, unknown, string]> = [
      ['resume', { mode: 'rewind' }, 'body.mode'],
      ['resume', { tasks: { charge: { action: 'redo' } } }, 'body.tasks.charge.action'],
      ['resume', { tasks: { '9x': {} } }, 'body.tasks'],
      ['resume', { context: [1] }, 'body.context'],
      ['resume', { resume: true }, 'body'],
      ['resume?dry_run=maybe', {}, 'query.dry_run'],
      ['pause', { mode: 'later' }, 'body.mode'],
      ['pause', { reason: 12 }, 'body.reason'],
      ['pause', { actor: 'mallory' }, 'body'],
    ];
    for (const [path, body, where] of cases) {
      const problem = expectProblem(await api.post(url(id, path), body), 400, 'validation_error');
      expect(problem.errors[0]?.path).toContain(where);
    }
    const broken = await ctx.app.inject({ method: 'POST', url: url(id, 'resume'), headers: { 'content-type': 'application/json' }, payload: '{"mode":' });
    expectProblem(broken, 400, 'malformed_body');
    const badKey = await api.post(url(id, 'resume'), {}, { headers: { 'idempotency-key': 'x'.repeat(300) } });
    expect(expectProblem(badKey, 400, 'validation_error').errors[0]?.path).toBe('headers.idempotency-key');
    expect(await api.eventTypes(id)).not.toContain('CommandRejected');
    expect((await api.status(id)).status).toBe('paused');
  });
});

describe('manual pause', () => {
  it('graceful: the running task finishes, nothing new starts; resume continues; a second pause is 409', async () => {
    const id = await api.trigger('napper', { ms: 1500 });
    await api.waitForStatus(id, 'running', (s) => s.active_tasks.includes('nap'));
    const res = await api.post(url(id, 'pause'), { reason: 'maintenance' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ execution_id: id, status: 'pausing' });
    expectProblem(await api.post(url(id, 'pause'), {}), 409, 'already_paused');
    const paused = await api.waitForStatus(id, 'paused');
    expect(paused.pause).toMatchObject({ reason: 'manual', next_task_id: 'wake', gates: [expect.objectContaining({ reason: 'manual', data: expect.objectContaining({ reason: 'maintenance', actor: 'anonymous' }) })] });
    const state = await api.execution(id);
    expect(state.tasks.map((t) => [t.task_id, t.status])).toEqual([['nap', 'succeeded']]);

    const resumed = await api.post(url(id, 'resume'), { reason: 'done' });
    expect(resumed.json().plan).toMatchObject({ ok: true, continues: [{ reason: 'manual', task_id: null }] });
    await api.waitForStatus(id, 'completed');
  });

  it('immediate: interrupts the running task, which runs again on resume', async () => {
    const id = await api.trigger('napper', { ms: 2000 });
    await api.waitForStatus(id, 'running', (s) => s.active_tasks.includes('nap'));
    const res = await api.post(url(id, 'pause'), { mode: 'immediate', reason: 'now' });
    expect(res.statusCode).toBe(200);
    await api.waitForStatus(id, 'paused');
    const cancelled = (await api.events(id)).filter((e) => e.type === 'TaskExecutionCancelled');
    expect(cancelled).toEqual([expect.objectContaining({ task_id: 'nap', data: expect.objectContaining({ reason: 'paused', will_rerun: true }) })]);
    expect((await api.post(url(id, 'resume'), {})).statusCode).toBe(200);
    await api.waitForStatus(id, 'completed');
    const dispatched = (await api.events(id)).filter((e) => e.type === 'TaskDispatched' && e.task_id === 'nap');
    expect(dispatched).toHaveLength(2);
  });
});

describe('concurrent and idempotent resumes', () => {
  it('50 concurrent identical resumes (distinct or no keys): exactly one applies, the rest are 409, no task runs twice', async () => {
    const id = await failedCharge();
    const body = { mode: 'retry', tasks: { charge: { input: { failures: 0 } } } };
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) => api.post(url(id, 'resume'), body, i % 2 === 0 ? { headers: { 'idempotency-key': `race-${id}-${i}` } } : {})),
    );
    const codes = responses.map((r) => r.statusCode);
    expect(count(codes.map(String), '200')).toBe(1);
    expect(count(codes.map(String), '409')).toBe(49);
    for (const r of responses.filter((x) => x.statusCode === 409)) {
      expect(r.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(['not_paused', 'task_already_completed', 'execution_closed']).toContain(r.json<{ type: string }>().type.split('/').pop());
    }
    await api.waitForStatus(id, 'paused', (s) => s.pause?.task_id === 'hold');
    const types = await api.eventTypes(id);
    expect(count(types, 'WorkflowExecutionResumed')).toBe(1);
    const charge = await api.taskContext(id, 'charge');
    expect(charge.runs).toHaveLength(2);
    expect(recorded.filter((r) => r.idempotency_key.startsWith(`${id}:`) && r.task_id === 'after')).toHaveLength(1);
    expect(count(types, 'TaskScheduled')).toBe(5); // fetch, charge, charge again, after, hold
  });

  it('the same Idempotency-Key replays the first answer, concurrently, later and after the end, and applies once', async () => {
    const id = await failedCharge();
    const key = `resume-${id}`;
    const body = { mode: 'retry', tasks: { charge: { input: { failures: 0 } } } };
    const responses = await Promise.all(Array.from({ length: 20 }, () => api.post(url(id, 'resume'), body, { headers: { 'idempotency-key': key } })));
    expect(responses.map((r) => r.statusCode)).toEqual(Array.from({ length: 20 }, () => 200));
    const first = responses[0]!.json();
    for (const r of responses) expect(r.json()).toEqual(first);

    await api.waitForStatus(id, 'paused', (s) => s.pause?.task_id === 'hold');
    const later = await api.post(url(id, 'resume'), body, { headers: { 'idempotency-key': key } });
    expect(later.statusCode).toBe(200);
    expect(later.json()).toEqual(first);
    // Another key is a new command: refused, since there is nothing left to resume.
    expectProblem(await api.post(url(id, 'resume'), body, { headers: { 'idempotency-key': `${key}-2` } }), 409, 'task_already_completed');
    // Even after the execution ended, the key answers what it answered first.
    expect((await api.post(url(id, 'signals/finish'), { payload: { done: true } })).statusCode).toBe(202);
    await api.waitForStatus(id, 'completed');
    const afterClose = await api.post(url(id, 'resume'), body, { headers: { 'idempotency-key': key } });
    expect(afterClose.statusCode).toBe(200);
    expect(afterClose.json()).toEqual(first);
    // The same key on another command is another update: it does not replay the resume.
    expectProblem(await api.post(url(id, 'pause'), {}, { headers: { 'idempotency-key': key } }), 409, 'execution_closed');

    // One resume by the command (the signal that woke `hold` resumed it once more, by itself).
    const resumed = (await api.events(id)).filter((e) => e.type === 'WorkflowExecutionResumed');
    expect(resumed.map((e) => e.data.cause ?? e.data.mode)).toEqual(['retry', 'gate_resolved']);
    expect(recorded.filter((r) => r.idempotency_key.startsWith(`${id}:`) && r.task_id === 'after')).toHaveLength(1);
  });
});
