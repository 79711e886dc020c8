import { ApplicationFailure } from '@temporalio/common';
import { commandRefusalKinds, commandRefusalProblem } from '../../../src/executions/command-refusals';
import { CommandErrorType } from '../../../src/workflows/commands';

describe('commandRefusalProblem', () => {
  it('gives every CommandErrorType its status', () => {
    const statuses = Object.fromEntries(Object.values(CommandErrorType).map((t) => [t, commandRefusalKinds[t].status]));
    expect(statuses).toEqual({
      not_paused: 409,
      already_paused: 409,
      resume_requirements_unmet: 409,
      task_already_completed: 409,
      task_not_gated: 409,
      task_not_waiting: 409,
      approval_not_pending: 409,
      execution_closed: 409,
      condition_not_met: 409,
      approver_not_allowed: 403,
      task_not_found: 404,
      task_ambiguous: 409,
      decision_invalid: 422,
      resume_data_invalid: 422,
      output_invalid: 422,
      command_invalid: 400,
      command_data_too_large: 413,
      callback_gone: 410,
    });
  });

  it('turns a refusal into a problem with its slug, message and details as members', () => {
    const failure = ApplicationFailure.create({
      type: CommandErrorType.ResumeRequirementsUnmet,
      message: 'the resume does not address: r1',
      nonRetryable: true,
      details: [{ missing: [{ task_id: 'r1', need: 'retry or skip' }], still_open: [] }],
    });
    const problem = commandRefusalProblem(failure, 'orders-1', 'resume');
    expect(problem?.toDocument('/x')).toEqual({
      type: 'https://cadenza.dev/problems/resume_requirements_unmet',
      title: 'Resume requirements unmet',
      status: 409,
      detail: 'the resume does not address: r1',
      instance: '/x',
      missing: [{ task_id: 'r1', need: 'retry or skip' }],
      still_open: [],
      execution_id: 'orders-1',
      command: 'resume',
    });
  });

  it('ignores failures that are not command refusals', () => {
    expect(commandRefusalProblem(ApplicationFailure.create({ type: 'ReferenceError', message: 'no handler' }), 'x', 'pause')).toBeUndefined();
    expect(commandRefusalProblem(new Error('boom'), 'x', 'pause')).toBeUndefined();
    expect(commandRefusalProblem(ApplicationFailure.create({ type: 'toString', message: 'inherited key' }), 'x', 'pause')).toBeUndefined();
  });

  it('keeps its own members over colliding details', () => {
    const failure = ApplicationFailure.create({ type: CommandErrorType.NotPaused, message: 'not paused', details: [{ execution_id: 'spoofed' }] });
    expect(commandRefusalProblem(failure, 'real', 'resume')?.toDocument()).toMatchObject({ execution_id: 'real', status: 409 });
  });
});
