/**
 * Command validation shared by signals and updates, on a stand-in for the execution's state: the
 * refusals a workflow-level test cannot reach (a closed execution never gets a command through the
 * server) and the approver rules.
 */
import type { Task } from '../../../src/definitions/schema';
import type { CommandHost } from '../../../src/workflows/command-host';
import type { DecideCommand, PauseCommand } from '../../../src/workflows/commands';
import type { StatusView } from '../../../src/workflows/contracts';
import { ExecutionCommands } from '../../../src/workflows/execution-commands';
import { behaviourOf } from '../../../src/workflows/execution-behaviour';
import { Gate, GateRegistry } from '../../../src/workflows/gates';
import { Journal } from '../../../src/workflows/journal';
import type { ManualPause } from '../../../src/workflows/manual-pause';
import { PauseReason, TaskStatus } from '../../../src/workflows/states';
import { TaskRun } from '../../../src/workflows/task-run';

/** What a test sets of the stand-in execution. */
interface Stand {
  closed: boolean;
  manualPause: ManualPause | null;
  gates: GateRegistry;
  tasksById: Map<string, Task>;
}

/** A stand-in execution: it answers what the validators read; its changes are no-ops unless `over` says otherwise. */
function standIn(stand: Partial<Stand> = {}, over: Partial<CommandHost> = {}): CommandHost {
  const { closed = false, manualPause = null, gates = new GateRegistry(), tasksById = new Map<string, Task>() } = stand;
  return {
    behaviour: behaviourOf(true),
    closed,
    journal: new Journal('exec', 'wf'),
    gates,
    tasksById,
    tasks: { latestRun: new Map(), findByExecId: () => undefined },
    pauseRequested: () => manualPause,
    requestPause: () => undefined,
    clearManualPause: () => undefined,
    rememberResumeData: () => undefined,
    whileResuming: (apply) => apply(),
    resolveGate: () => undefined,
    refreshStatus: () => undefined,
    signalMeetsCondition: () => true,
    bufferSignal: () => true,
    statusView: () => {
      throw new Error('not in these tests');
    },
    ...over,
  };
}

function commands(stand: Partial<Stand> = {}): ExecutionCommands {
  return new ExecutionCommands(standIn(stand));
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

describe('applyResume', () => {
  it('changes the execution only through the host, inside whileResuming, and answers after it', () => {
    const calls: string[] = [];
    let resuming = false;
    const journal = new Journal('exec', 'wf');
    const host = standIn(
      { manualPause: manual('graceful') },
      {
        journal,
        whileResuming: (apply) => {
          resuming = true;
          try {
            return apply();
          } finally {
            resuming = false;
          }
        },
        rememberResumeData: (data) => calls.push(`remember ${JSON.stringify(data)} resuming=${resuming}`),
        clearManualPause: () => calls.push(`clear resuming=${resuming}`),
        refreshStatus: () => calls.push(`refresh resuming=${resuming}`),
        statusView: () => (calls.push(`status resuming=${resuming}`), {} as StatusView),
      },
    );
    const result = new ExecutionCommands(host).applyResume({ context: { a: 1 }, actor: 'ops' });
    expect(calls).toEqual(['remember {"a":1} resuming=true', 'clear resuming=true', 'refresh resuming=true', 'status resuming=false']);
    expect(journal.page().events).toMatchObject([{ seq: 1, type: 'WorkflowExecutionResumed', actor: 'ops', data: { context: { a: 1 }, continues: [{ reason: 'manual', task_id: null }] } }]);
    expect(result.plan).toMatchObject({ ok: true });
  });
});

describe('payload sizes (boundedPayloads)', () => {
  const over = 'o'.repeat(1_048_576);
  const waiting = (): GateRegistry => {
    const gates = new GateRegistry();
    const run = new TaskRun('ship', 'exec-1', 'wait', null, {}, 1);
    run.status = TaskStatus.Waiting;
    gates.open(new Gate(PauseReason.WaitingForSignal, run, 'ship', null, null, { wait_for: 'shipped' }));
    return gates;
  };

  it('refuses resume data, decision data and repair payloads over the bound, naming the path and sizes', () => {
    const c = commands({ gates: waiting() });
    expect(c.validateTaskResume({ task_id: 'ship', resume_data: over })).toMatchObject({
      type: 'command_data_too_large',
      details: { path: 'resume_data', size_bytes: 1_048_578, limit_bytes: 1_048_576 },
    });
    expect(c.validateDecide({ task_id: 'a', decision: 'approve', actor: 'x', data: { over } })).toMatchObject({ type: 'command_data_too_large', details: { path: 'data' } });
    expect(c.plan({ mode: 'skip', tasks: { ship: { output: over } } }).error).toMatchObject({ type: 'command_data_too_large' });
    expect(c.validateResume({ mode: 'retry', context: { over } })).toMatchObject({ type: 'command_data_too_large', details: { path: 'context' } });
    // One byte under the bound is not a size problem.
    expect(c.validateTaskResume({ task_id: 'ship', resume_data: 'o'.repeat(1_048_574) })).toBeUndefined();
  });

  it('journals an oversized generic signal as refused; an execution started before the bound takes it', () => {
    const journal = new Journal('exec', 'wf');
    const buffered: string[] = [];
    const host = standIn({}, { journal, bufferSignal: (name) => (buffered.push(name), true) });
    new ExecutionCommands(host).receiveSignal('shipped', over);
    expect(journal.page({}).events.map((e) => e.data)).toEqual([expect.objectContaining({ command: 'shipped', type: 'command_data_too_large', path: 'payload' })]);
    const before = standIn({}, { behaviour: { ...behaviourOf(true), boundedPayloads: false }, bufferSignal: (name) => (buffered.push(name), true) });
    new ExecutionCommands(before).receiveSignal('shipped', over);
    expect(buffered).toEqual(['shipped']);
  });
});
