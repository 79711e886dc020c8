/**
 * Long life (docs/design.md §11): an execution continues as new when its run's history grows, carrying
 * its whole state — gates, the manual pause, parallel branches parked at gates, buffered signals,
 * refusals counted under a flood, applied update ids, large outputs by reference — and its journal
 * goes on with continuous `seq` across runs. The runs here continue after ~150 events
 * (`limits.continue_after_events`), so a few hundred signals make several runs.
 */
import type { Client, WorkflowHandle } from '@temporalio/client';
import { type cadenzaInterpreter } from '../../../src/workflows';
import { decideUpdate, executionQuery, pauseUpdate, resumeUpdate, statusQuery, taskContextQuery, taskResumeUpdate } from '../../../src/workflows/messages';
import { tools } from '../fixtures/test-tools';
import { LOCAL_WORKFLOW_TASK_TIMEOUT_SECONDS, useClientAndWorker, waitFor, workflowTaskTimeoutSeconds } from '../harness';
import { definition, startExecution } from './start-execution';
import { expectContinuousSeq, historyLengths, sendSignals, wholeJournal } from './run-segments';

const cw = useClientAndWorker({ tools });

function start(client: Client, taskQueue: string, body: Record<string, unknown>, afterEvents = 150): Promise<WorkflowHandle<typeof cadenzaInterpreter>> {
  return startExecution(client, taskQueue, definition(body), {}, {}, { continue_after_events: afterEvents });
}

describe('continue-as-new', () => {
  it('a waiting execution flooded with signals continues as new, keeps its gate and journal, and completes', async () => {
    const handle = await start(cw.t.client, cw.w.taskQueue, {
      id: 'long-wait',
      tasks: [
        { id: 'ship', type: 'wait', wait_for: 'shipped', condition: 'signal.payload.carrier != ""', on_success: { next: 'notify' } },
        { id: 'notify', type: 'basic', tool: 'echo', local: true, with: { carrier: '{{ tasks.ship.output.carrier }}' } },
      ],
      outputs: { carrier: '{{ tasks.notify.output.carrier }}' },
    });
    await waitFor(async () => (await handle.query(statusQuery)).status === 'paused');
    await sendSignals(handle, 600);
    await waitFor(async () => (await historyLengths(cw.t.client, handle.workflowId)).length >= 3, { timeoutMs: 60_000 });

    const status = await cw.t.client.workflow.getHandle(handle.workflowId).query(statusQuery);
    expect(status).toMatchObject({ status: 'paused', pause: { reason: 'waiting_for_signal' } });
    const waiting = await cw.t.client.workflow.getHandle(handle.workflowId).query(taskContextQuery, 'ship');
    await cw.t.client.workflow.getHandle(handle.workflowId).executeUpdate(taskResumeUpdate, { args: [{ task_exec_id: waiting?.task_exec_id ?? '', resume_data: { carrier: 'DHL' } }] });
    const result = await cw.t.client.workflow.getHandle(handle.workflowId).result();
    expect(result.outputs).toEqual({ carrier: 'DHL' });

    const lengths = await historyLengths(cw.t.client, handle.workflowId);
    // Signals keep arriving while a run drains: under load a run overshoots its threshold by a few hundred events at most.
    expect(Math.max(...lengths)).toBeLessThan(150 + 400);
    const { events, runs } = await wholeJournal(cw.t.client, handle.workflowId);
    expect(runs).toBe(lengths.length);
    // The notify task says local: true: every run keeps the short workflow task timeout it started with.
    const taskTimeouts = new Set<string>();
    for await (const run of cw.t.client.workflow.list({ query: `WorkflowId = '${handle.workflowId}'` })) {
      taskTimeouts.add(String(await workflowTaskTimeoutSeconds(cw.t.client.workflow.getHandle(handle.workflowId, run.runId))));
    }
    expect([...taskTimeouts]).toEqual([LOCAL_WORKFLOW_TASK_TIMEOUT_SECONDS]);
    expectContinuousSeq(events);
    expect(events[0]?.type).toBe('WorkflowExecutionStarted');
    expect(events.at(-1)?.type).toBe('WorkflowExecutionSuccess');
    expect(events.filter((e) => e.type === 'WorkflowExecutionStarted')).toHaveLength(1);
    // Every refusal is in the audit: one by one, or counted in aggregate entries.
    const rejected = events.filter((e) => e.type === 'CommandRejected');
    const counted = rejected.reduce((n, e) => n + (e.data.aggregated === true ? (e.data.count as number) : 1), 0);
    const buffered = 100; // the generic signals kept for a wait that never took them
    expect(counted + buffered).toBeGreaterThanOrEqual(600);
  }, 180_000);

  it('a paused parallel with a gated branch, a failed task and a manual pause continues as new and is repaired', async () => {
    const handle = await start(cw.t.client, cw.w.taskQueue, {
      id: 'long-parallel',
      config: { on_task_failure: 'pause' },
      tasks: [
        {
          id: 'fan',
          type: 'parallel',
          strategy: 'wait_all',
          branches: [
            { id: 'ask', tasks: [{ id: 'approve', type: 'approval', approvers: { users: ['ann'] }, timeout: '1h', on_approve: { next: 'ok' } }, { id: 'ok', type: 'basic', tool: 'echo', with: { a: 1 } }] },
            { id: 'break', tasks: [{ id: 'boom', type: 'basic', tool: 'fail', with: { message: 'down', non_retryable: true } }] },
          ],
          on_success: { next: 'end' },
        },
        { id: 'end', type: 'basic', tool: 'echo', with: { big: '{{ tasks.fan.output }}' } },
      ],
    });
    await waitFor(async () => (await handle.query(executionQuery)).gates.length === 2);
    await handle.executeUpdate(pauseUpdate, { args: [{ mode: 'graceful', actor: 'ops', reason: 'look' }], updateId: 'pause-1' });
    const before = await handle.query(executionQuery);
    await sendSignals(handle, 300);
    await waitFor(async () => (await historyLengths(cw.t.client, handle.workflowId)).length >= 2, { timeoutMs: 60_000 });
    const current = cw.t.client.workflow.getHandle(handle.workflowId);
    const after = await current.query(executionQuery);
    expect(after.status).toBe('paused');
    expect(after.gates.map((g) => [g.reason, g.task_id]).sort()).toEqual(before.gates.map((g) => [g.reason, g.task_id]).sort());
    // The same update id again, after the run changed: not applied twice, answered with the status.
    await expect(current.executeUpdate(pauseUpdate, { args: [{ mode: 'graceful' }], updateId: 'pause-1' })).resolves.toMatchObject({ status: 'paused' });

    await current.executeUpdate(decideUpdate, { args: [{ task_id: 'approve', decision: 'approve', actor: 'ann' }] });
    await current.executeUpdate(resumeUpdate, { args: [{ actor: 'ops', mode: 'skip', tasks: { boom: { output: { fixed: true } } } }] });
    const result = await current.result();
    expect(result.status).toBe('completed');
    const { events } = await wholeJournal(cw.t.client, handle.workflowId);
    expectContinuousSeq(events);
    expect(events.filter((e) => e.type === 'ApprovalDecided')).toHaveLength(1);
    expect(events.filter((e) => e.type === 'TaskSkipped' && e.task_id === 'boom')).toHaveLength(1);
  }, 120_000);

  it('large outputs travel by reference and are read back when a later task or the outputs need them', async () => {
    const tasks = Array.from({ length: 30 }, (_, i) => ({
      id: `t${i}`,
      type: 'basic',
      tool: i === 29 ? 'echo' : 'kilobytes',
      with: i === 29 ? { first: '{{ size(tasks.t0.output.blob) }}', n: i } : { kb: 150, n: i },
      ...(i < 29 && { on_success: { next: `t${i + 1}` } }),
    }));
    const handle = await start(cw.t.client, cw.w.taskQueue, { id: 'long-big', tasks, outputs: { head: '{{ tasks.t0.output.n }}', size: '{{ tasks.t29.output.first }}' } });
    const result = await cw.t.client.workflow.getHandle(handle.workflowId).result();
    expect(result.outputs).toEqual({ head: 0, size: 150 * 1024 });
    const lengths = await historyLengths(cw.t.client, handle.workflowId);
    expect(lengths.length).toBeGreaterThan(1);
    const context = await cw.t.client.workflow.getHandle(handle.workflowId).query(taskContextQuery, 't1');
    expect(context?.output_ref ?? context?.output).toBeTruthy();
  }, 120_000);
});
