/**
 * A gate lives exactly as long as its branch (docs/design.md §3): when `fail_fast` cancels a branch
 * that holds an approval, a wait, a breakpoint or a failure gate, the gate is released — the status
 * no longer lists it, CadenzaAwaiting drops it, its task is cancelled — and after a retry of the
 * parallel task a decision reaches the live gate, not a dead one.
 */
import type { WorkflowHandle } from '@temporalio/client';
import { waitFor, useClientAndWorker } from '../harness';
import { tools } from '../fixtures/test-tools';
import { failFastWithGate } from '../fixtures/fail-fast';
import { decideUpdate, executionQuery, resumeUpdate, taskResumeUpdate } from '../../../src/workflows/messages';
import { CadenzaAwaitingKey } from '../../../src/workflows/search-attributes';
import { definition, journal, startExecution } from './start-execution';
import { count, paused, refusal, statusWhen } from './pause-resume-probes';

const env = useClientAndWorker({ tools });

type GateKind = 'approval' | 'wait' | 'breakpoint' | 'failure';

/** The gated branch's first task, of each kind; it is followed by `after` in the same branch. */
function gatedTask(kind: GateKind): Record<string, unknown> {
  switch (kind) {
    case 'approval':
      return { id: 'held', type: 'approval', approvers: { roles: ['finance'] }, on_approve: { next: 'after' } };
    case 'wait':
      return { id: 'held', type: 'wait', wait_for: 'go', on_success: { next: 'after' } };
    case 'breakpoint':
      return { id: 'held', type: 'basic', tool: 'echo', with: { x: 1 }, pause_before: true, on_success: { next: 'after' } };
    case 'failure':
      return { id: 'held', type: 'basic', tool: 'check', with: { ok: '{{ input.ok }}' }, on_error: { pause: true }, on_success: { next: 'after' } };
  }
}

/**
 * `fan` runs the gated branch beside one whose last task fails unless the resume context says
 * `ok`; with `fail_fast` that cancels the gated branch. `fan` pauses on its own failure, so it can
 * be retried — with `context: {ok: true}` the failing branch passes.
 */
function failFast(kind: GateKind) {
  return definition(failFastWithGate(`fail-fast-${kind}`, [gatedTask(kind), { id: 'after', type: 'basic', tool: 'echo', with: { after: true } }]));
}

/** What became of the held task when its branch was cancelled. */
const cancelledAs: Record<GateKind, string | undefined> = { approval: 'cancelled', wait: 'cancelled', breakpoint: undefined, failure: 'failed' };

async function awaiting(handle: WorkflowHandle): Promise<string[]> {
  const description = await handle.describe();
  return description.typedSearchAttributes.get(CadenzaAwaitingKey) ?? [];
}

/** Opens the gate of `kind` on the second run, so the retry's gate is the live one. */
async function resolveLiveGate(handle: WorkflowHandle, kind: GateKind): Promise<void> {
  switch (kind) {
    case 'approval':
      await handle.executeUpdate(decideUpdate, { args: [{ task_id: 'held', decision: 'approve', actor: 'fin', roles: ['finance'] }] });
      return;
    case 'wait':
      await handle.executeUpdate(taskResumeUpdate, { args: [{ task_id: 'held', resume_data: { go: true } }] });
      return;
    case 'breakpoint':
      await handle.executeUpdate(resumeUpdate, { args: [{ mode: 'continue' }] });
      return;
    case 'failure':
      // `input.ok` is false for the whole execution: skip the held task with an output.
      await handle.executeUpdate(resumeUpdate, { args: [{ mode: 'skip', tasks: { held: { output: { skipped: true } } } }] });
      return;
  }
}

describe.each(['approval', 'wait', 'breakpoint', 'failure'] as const)('fail_fast cancels a branch held at a %s gate', (kind) => {
  it('releases the gate with its branch; after a retry of the parallel task the command reaches the live gate', async () => {
    const handle = await startExecution(env.t.client, env.w.taskQueue, failFast(kind), { ok: false });
    // While the other branch runs, the execution is running with the gate open.
    await waitFor(async () => ((await handle.query(executionQuery)).gates.some((g) => g.task_id === 'held') ? true : undefined), { what: 'the gate of the held task' });

    // The failing branch cancels the held one: only the failure gate of `fan` is left.
    const status = await statusWhen(handle, (s) => s.pause?.gates.some((g) => g.task_id === 'fan') === true, 'fan failed and gated');
    expect(status.pause?.gates.map((g) => g.task_id)).toEqual(['fan']);
    const view = await handle.query(executionQuery);
    expect(view.tasks.find((x) => x.task_id === 'held')?.status).toBe(cancelledAs[kind]);
    await waitFor(async () => ((await awaiting(handle)).length === 0 ? true : undefined), { what: 'CadenzaAwaiting empty', timeoutMs: 10_000 });
    expect(count(await journal(handle), 'TaskExecutionCancelled', 'held')).toBe(cancelledAs[kind] === 'cancelled' ? 1 : 0);

    // Retry the parallel task: both branches run again; the held task opens one fresh gate.
    await handle.executeUpdate(resumeUpdate, { args: [{ mode: 'retry', tasks: { fan: {} }, context: { ok: true } }] });
    const again = await paused(handle);
    const live = again.pause?.gates ?? [];
    expect(live.map((g) => g.task_id)).toEqual(['held']);
    if (kind === 'approval') expect(await awaiting(handle)).toEqual(['role:finance']);
    await resolveLiveGate(handle, kind);
    expect((await handle.result()).status).toBe('completed');
    expect((await handle.query(executionQuery)).tasks.find((x) => x.task_id === 'after')?.status).toBe('succeeded');
    expect(await awaiting(handle)).toEqual([]);
    expect((await handle.fetchHistory()).events?.some((e) => e.workflowTaskFailedEventAttributes)).toBe(false);
  });
});

describe('after a retry, a decision reaches the live approval', () => {
  it('completes the execution and leaves nothing awaiting', async () => {
    // The failing branch fails until a resume brings `context: {ok: true}`.
    const def = failFast('approval');
    const handle = await startExecution(env.t.client, env.w.taskQueue, def);
    await statusWhen(handle, (s) => s.pause?.gates.map((g) => g.task_id).join() === 'fan', 'fan failed, the approval released');
    // A decision now has no gate to go to.
    expect((await refusal(handle.executeUpdate(decideUpdate, { args: [{ task_id: 'held', decision: 'approve', actor: 'fin', roles: ['finance'] }] }))).type).toBe(
      'approval_not_pending',
    );
    // The resume context is what `resume` reads: this time the failing branch passes.
    await handle.executeUpdate(resumeUpdate, { args: [{ mode: 'retry', tasks: { fan: {} }, context: { ok: true } }] });
    const status = await paused(handle);
    expect(status.pause?.gates.map((g) => [g.task_id, g.reason])).toEqual([['held', 'approval_required']]);
    const liveExecId = status.pause?.gates[0]?.task_exec_id;
    await handle.executeUpdate(decideUpdate, { args: [{ task_id: 'held', decision: 'approve', actor: 'fin', roles: ['finance'] }] });
    expect((await handle.result()).status).toBe('completed');

    const events = await journal(handle);
    const decided = events.filter((e) => e.type === 'ApprovalDecided');
    expect(decided.map((e) => e.task_exec_id)).toEqual([liveExecId]);
    expect(await awaiting(handle)).toEqual([]);
  });
});
