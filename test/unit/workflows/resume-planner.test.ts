/**
 * The resume planner (docs/design.md §14.4): what a resume would do, what it misses, and why it is refused, before
 * anything changes. The update validator, the signal handler and the dry run all use it.
 */
import type { Task } from '../../../src/definitions/schema';
import type { ResumeCommand } from '../../../src/workflows/commands';
import { Gate } from '../../../src/workflows/gates';
import { planResume, type ResumeState } from '../../../src/workflows/resume-planner';
import { PauseReason, TaskStatus } from '../../../src/workflows/states';
import { TaskRun } from '../../../src/workflows/task-run';

const tasks: Task[] = [
  { id: 'prepare', type: 'basic', tool: 'echo' },
  { id: 'charge', type: 'basic', tool: 'http', output_schema: { type: 'object', required: ['id'], properties: { id: { type: 'string' } } } },
  { id: 'notify', type: 'basic', tool: 'echo' },
  { id: 'route', type: 'router', condition: 'input.x', routes: { a: 'prepare', b: 'notify' }, default: 'charge' },
  { id: 'sign', type: 'approval' },
  { id: 'later', type: 'basic', tool: 'echo' },
];

function run(taskId: string, status: TaskStatus, branch: string | null = null): TaskRun {
  const r = new TaskRun(taskId, `${taskId}-exec`, tasks.find((t) => t.id === taskId)?.type ?? 'basic', branch, {}, 1);
  r.status = status;
  return r;
}

/** A state with the given runs; every failed run listed in `gatedFailures` has an open task_failed gate. */
function state(options: { runs?: TaskRun[]; gatedFailures?: string[]; extraGates?: Gate[]; manuallyPaused?: boolean; closed?: boolean } = {}): ResumeState {
  const runs = options.runs ?? [];
  const failureGates = (options.gatedFailures ?? []).map((id) => {
    const r = runs.find((x) => x.taskId === id)!;
    return new Gate(PauseReason.TaskFailed, r, id, r.branch, null, {});
  });
  return {
    closed: options.closed ?? false,
    manuallyPaused: options.manuallyPaused ?? false,
    openGates: [...failureGates, ...(options.extraGates ?? [])],
    latestRun: new Map(runs.map((r) => [r.taskId, r])),
    tasks: new Map(tasks.map((t) => [t.id, t])),
  };
}

const twoFailedBranches = () =>
  state({ runs: [run('prepare', TaskStatus.Succeeded), run('charge', TaskStatus.Failed, 'fan/a'), run('notify', TaskStatus.Failed, 'fan/b')], gatedFailures: ['charge', 'notify'] });

describe('refusals', () => {
  it('refuses any resume of a closed execution', () => {
    expect(planResume(state({ closed: true, manuallyPaused: true }), {})).toMatchObject({ ok: false, error: { type: 'execution_closed' } });
  });

  it('refuses an unknown mode', () => {
    expect(planResume(state({ manuallyPaused: true }), { mode: 'rewind' } as unknown as ResumeCommand)).toMatchObject({ ok: false, error: { type: 'command_invalid', message: expect.stringContaining('continue, retry, skip') } });
  });

  it('says not_paused when nothing waits for a resume', () => {
    expect(planResume(state({ runs: [run('prepare', TaskStatus.Running)] }), {})).toEqual({
      ok: false,
      error: { type: 'not_paused', message: 'the execution is not paused' },
      missing: [],
      continues: [],
      retries: [],
      skips: [],
      still_open: [],
    });
  });

  it('says not_paused when only approvals and waits are open, and lists what they need', () => {
    const approval = new Gate(PauseReason.ApprovalRequired, run('sign', TaskStatus.Waiting), 'sign', null, 'later');
    const wait = new Gate(PauseReason.WaitingForSignal, null, 'later', 'fan/b', null, { wait_for: 'shipped' });
    const plan = planResume(state({ extraGates: [approval, wait] }), {});
    expect(plan).toMatchObject({ ok: false, error: { type: 'not_paused', message: expect.stringContaining('approvals or signals') } });
    expect(plan.missing).toEqual([
      { task_id: 'sign', need: 'an approval decision (approve or reject)' },
      { task_id: 'later', need: 'signal "shipped" or a task resume with resume_data' },
    ]);
    expect(plan.still_open).toEqual([
      { task_id: 'sign', reason: 'approval_required' },
      { task_id: 'later', reason: 'waiting_for_signal' },
    ]);
  });

  it('explains a named task when nothing is paused: completed, unknown, not run yet', () => {
    const s = state({ runs: [run('prepare', TaskStatus.Succeeded)] });
    expect(planResume(s, { mode: 'retry', tasks: { prepare: {} } })).toMatchObject({ error: { type: 'task_already_completed', message: expect.stringContaining('prepare-exec') } });
    expect(planResume(s, { mode: 'retry', tasks: { nope: {} } })).toMatchObject({ error: { type: 'task_not_found' } });
    expect(planResume(s, { mode: 'retry', tasks: { later: {} } })).toMatchObject({ error: { type: 'task_not_gated', message: expect.stringContaining('has not run yet') } });
  });

  it('refuses a target that already succeeded while other tasks are gated', () => {
    expect(planResume(twoFailedBranches(), { mode: 'retry', tasks: { prepare: {}, charge: {}, notify: {} } })).toMatchObject({ ok: false, error: { type: 'task_already_completed' } });
  });

  it('refuses a failed task that is not waiting for a repair (its on_error went elsewhere)', () => {
    const s = state({ runs: [run('charge', TaskStatus.Failed), run('notify', TaskStatus.Failed)], gatedFailures: ['charge'] });
    expect(planResume(s, { mode: 'retry', tasks: { charge: {}, notify: {} } })).toMatchObject({ ok: false, error: { type: 'task_not_gated', message: expect.stringContaining('notify') } });
  });

  it('asks for an action when mode continue names a failed task', () => {
    expect(planResume(twoFailedBranches(), { tasks: { charge: {}, notify: {} } })).toMatchObject({ ok: false, error: { type: 'command_invalid', message: expect.stringContaining('tasks.charge') } });
  });
});

describe('missing requirements', () => {
  it('lists every failed branch a resume does not address', () => {
    const plan = planResume(twoFailedBranches(), { mode: 'retry', tasks: { charge: {} } });
    expect(plan.ok).toBe(false);
    expect(plan.error?.type).toBe('resume_requirements_unmet');
    expect(plan.missing).toEqual([{ task_id: 'notify', need: 'retry or skip: the task failed and its branch is paused' }]);
    expect(plan.error?.message).toContain('notify');
  });

  it('lists both when a continue addresses none of them', () => {
    const plan = planResume(twoFailedBranches(), {});
    expect(plan.missing.map((m) => m.task_id)).toEqual(['charge', 'notify']);
  });

  it('a manual pause does not excuse a failed branch', () => {
    const s = state({ runs: [run('charge', TaskStatus.Failed)], gatedFailures: ['charge'], manuallyPaused: true });
    expect(planResume(s, {})).toMatchObject({ ok: false, error: { type: 'resume_requirements_unmet' }, missing: [{ task_id: 'charge' }], continues: [{ reason: 'manual', task_id: null }] });
  });

  it('needs an output to skip a task', () => {
    const plan = planResume(twoFailedBranches(), { mode: 'skip', tasks: { charge: { output: { id: 'ch_1' } }, notify: {} } });
    expect(plan).toMatchObject({ ok: false, error: { type: 'resume_requirements_unmet' } });
    expect(plan.missing).toEqual([{ task_id: 'notify', need: expect.stringContaining('output') }]);
  });
});

describe('plans', () => {
  it('continues a manual pause and breakpoints, and reports the gates that stay open', () => {
    const breakpoint = new Gate(PauseReason.Breakpoint, null, 'later', null, 'later', { before: 'later' });
    const approval = new Gate(PauseReason.ApprovalRequired, run('sign', TaskStatus.Waiting), 'sign', 'fan/a', null);
    expect(planResume(state({ manuallyPaused: true, extraGates: [breakpoint, approval] }), { mode: 'continue' })).toEqual({
      ok: true,
      error: null,
      missing: [],
      continues: [
        { reason: 'manual', task_id: null },
        { reason: 'breakpoint', task_id: 'later' },
      ],
      retries: [],
      skips: [],
      still_open: [{ task_id: 'sign', reason: 'approval_required' }],
    });
  });

  it('retries one branch and skips the other with per-task actions', () => {
    const plan = planResume(twoFailedBranches(), { tasks: { charge: { action: 'retry', input: { amount: 1 } }, notify: { action: 'skip', output: 'sent by hand' } } });
    expect(plan).toMatchObject({
      ok: true,
      retries: [{ task_id: 'charge', task_exec_id: 'charge-exec', input: 'override' }],
      skips: [{ task_id: 'notify', task_exec_id: 'notify-exec', output: 'sent by hand' }],
      missing: [],
    });
  });

  it('re-resolves the input of a retry without an override', () => {
    expect(planResume(twoFailedBranches(), { mode: 'retry', tasks: { charge: {}, notify: {} } }).retries.map((r) => r.input)).toEqual(['resolved again', 'resolved again']);
  });

  it('checks a skipped output against output_schema', () => {
    const s = state({ runs: [run('charge', TaskStatus.Failed)], gatedFailures: ['charge'] });
    expect(planResume(s, { mode: 'skip', tasks: { charge: { output: { id: 7 } } } })).toMatchObject({ ok: false, error: { type: 'output_invalid', message: expect.stringContaining('tasks.charge.output: id') } });
    expect(planResume(s, { mode: 'skip', tasks: { charge: { output: { id: 'ch_1' } } } })).toMatchObject({ ok: true, skips: [{ task_id: 'charge', output: { id: 'ch_1' } }] });
  });

  it('needs a skipped router to name one of its routes', () => {
    const s = state({ runs: [run('route', TaskStatus.Failed)], gatedFailures: ['route'] });
    expect(planResume(s, { mode: 'skip', tasks: { route: { output: { route: 'elsewhere' } } } })).toMatchObject({ ok: false, error: { type: 'output_invalid' } });
    expect(planResume(s, { mode: 'skip', tasks: { route: { output: { route: 'notify' } } } }).ok).toBe(true);
    expect(planResume(s, { mode: 'skip', tasks: { route: { output: { route: 'charge' } } } }).ok).toBe(true);
  });

  it('changes nothing it is given', () => {
    const s = twoFailedBranches();
    const gates = [...s.openGates];
    planResume(s, { mode: 'skip', tasks: { charge: { output: { id: 'x' } }, notify: { output: 1 } } });
    expect(s.openGates).toEqual(gates);
    expect(s.openGates.every((g) => g.open)).toBe(true);
    expect(s.latestRun.get('charge')?.status).toBe('failed');
  });
});
