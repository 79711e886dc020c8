/**
 * Command validation shared by signals and updates, on a stand-in for the execution's state: the
 * refusals a workflow-level test cannot reach (a closed execution never gets a command through the
 * server) and the approver rules.
 */
import type { Task } from '../../../src/definitions/schema';
import type { DecideCommand, PauseCommand } from '../../../src/workflows/commands';
import { ExecutionCommands } from '../../../src/workflows/execution-commands';
import { behaviourOf, type ExecutionBehaviour } from '../../../src/workflows/execution-behaviour';
import type { ExecutionMachine } from '../../../src/workflows/execution-machine';
import type { ManualPause } from '../../../src/workflows/manual-pause';
import { Gate, GateRegistry } from '../../../src/workflows/gates';
import { PauseReason, TaskStatus } from '../../../src/workflows/states';
import { TaskRun } from '../../../src/workflows/task-run';

interface Stand {
  closed: boolean;
  manualPause: ManualPause | null;
  gates: GateRegistry;
  tasksById: Map<string, Task>;
  behaviour: ExecutionBehaviour;
}

function commands(stand: Partial<Stand> = {}): ExecutionCommands {
  const { manualPause = null, ...rest } = stand;
  const machine = { closed: false, gates: new GateRegistry(), tasksById: new Map(), behaviour: behaviourOf(true), pauseRequested: () => manualPause, ...rest };
  return new ExecutionCommands(machine as unknown as ExecutionMachine);
}

const manual = (mode: 'graceful' | 'immediate'): ManualPause => ({ reason: 'r', mode, actor: 'ops', requested_at: '2030-01-01T00:00:00Z' });

describe('validatePause', () => {
  it('refuses a closed execution', () => {
    expect(commands({ closed: true }).validatePause({})).toMatchObject({ type: 'execution_closed' });
  });

  it('refuses a second pause, naming who paused', () => {
    const refusal = commands({ manualPause: manual('graceful') }).validatePause({ mode: 'graceful' });
    expect(refusal).toMatchObject({ type: 'already_paused', message: expect.stringContaining('by ops') });
    expect(commands({ manualPause: manual('immediate') }).validatePause({ mode: 'immediate' })).toMatchObject({ type: 'already_paused' });
    expect(commands({ manualPause: manual('immediate') }).validatePause({ mode: 'graceful' })).toMatchObject({ type: 'already_paused' });
  });

  it('lets a graceful pause become immediate', () => {
    expect(commands({ manualPause: manual('graceful') }).validatePause({ mode: 'immediate' })).toBeUndefined();
  });

  it('refuses malformed commands', () => {
    const c = commands();
    for (const bad of ['garbage', null, [], { mode: 'sideways' }, { reason: 5 }]) {
      expect(c.validatePause(bad as unknown as PauseCommand)).toMatchObject({ type: 'command_invalid' });
    }
    expect(c.validatePause({})).toBeUndefined();
  });
});

describe('validateDecide', () => {
  const approval: Task = { id: 'sign', type: 'approval', decision_schema: { type: 'object', properties: { note: { type: 'string' } } } };
  function pending(approvers: { roles?: string[]; users?: string[] } | null): ExecutionCommands {
    const gates = new GateRegistry();
    const run = new TaskRun('sign', 'sign-exec', 'approval', null, {}, 1);
    run.status = TaskStatus.Waiting;
    gates.open(new Gate(PauseReason.ApprovalRequired, run, 'sign', null, null, { approvers }));
    return commands({ gates, tasksById: new Map([['sign', approval], ['other', { id: 'other', type: 'basic', tool: 'echo' }]]) });
  }
  const decide = (extra: Partial<DecideCommand> = {}): DecideCommand => ({ task_id: 'sign', decision: 'approve', actor: 'alice', ...extra });

  it('lets a listed user or a holder of a listed role decide, nobody else', () => {
    const c = pending({ roles: ['finance'], users: ['carol'] });
    expect(c.validateDecide(decide({ roles: ['finance'] }))).toBeUndefined();
    expect(c.validateDecide(decide({ actor: 'carol' }))).toBeUndefined();
    expect(c.validateDecide(decide({ roles: ['sales'] }))).toMatchObject({ type: 'approver_not_allowed', message: expect.stringContaining('role finance, user carol') });
  });

  it('lets anyone decide when approvers are omitted', () => {
    expect(pending(null).validateDecide(decide({ actor: 'whoever' }))).toBeUndefined();
  });

  it('checks the data against decision_schema', () => {
    expect(pending(null).validateDecide(decide({ data: { note: 1 } }))).toMatchObject({ type: 'decision_invalid', message: expect.stringContaining('note') });
  });

  it('refuses a decision for an unknown task, a task without a pending approval, or without an actor', () => {
    const c = pending(null);
    expect(c.validateDecide(decide({ task_id: 'nope' }))).toMatchObject({ type: 'task_not_found' });
    expect(c.validateDecide(decide({ task_id: 'other' }))).toMatchObject({ type: 'approval_not_pending' });
    expect(c.validateDecide(decide({ actor: '' }))).toMatchObject({ type: 'command_invalid' });
    expect(c.validateDecide(decide({ decision: 'maybe' as 'approve' }))).toMatchObject({ type: 'command_invalid' });
    expect(pending(null).validateDecide(decide())).toBeUndefined();
  });

  it('refuses any decision once the execution closed', () => {
    expect(commands({ closed: true }).validateDecide(decide())).toMatchObject({ type: 'execution_closed' });
  });
});
