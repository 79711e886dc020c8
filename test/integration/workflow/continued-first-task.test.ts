/**
 * Commands handled in a continued run's first workflow task, before its flows re-enter (docs/design.md
 * §11): a TaskResume of a wait and of a basic task's wait, an approval's decision and a repair that
 * continues a breakpoint and skips a failed task each resolve the gate the run carried, and the flow
 * goes on from there instead of opening a new gate and waiting again. The scenario is the replay
 * fixture's (`continued-resolved-before-reentry`): the commands reach a copy of the continued run
 * before any worker polls its queue, so they are in its first workflow task every time.
 */
import { EventType } from '../../../src/workflows/events';
import { eventsQuery } from '../../../src/workflows/messages';
import { driveResolvedBeforeReentry, type LateWorker, resolvedBeforeReentryDefinition, resolvedBeforeReentryOutputs } from '../../fixtures/histories/resolved-before-reentry';
import { tools } from '../fixtures/test-tools';
import { startTestWorker, useClientAndWorker } from '../harness';
import { startExecution } from './start-execution';

jest.setTimeout(120_000);

const cw = useClientAndWorker({ tools });
const lateWorkers: LateWorker[] = [];

afterAll(async () => {
  for (const worker of lateWorkers) await worker.shutdown();
});

it('a continued run whose commands all come before its flows re-enter completes with every command applied once', async () => {
  const handle = await startExecution(cw.t.client, cw.w.taskQueue, resolvedBeforeReentryDefinition, {}, {}, { continue_after_events: 150 });
  const startWorker = async (taskQueue: string): Promise<LateWorker> => {
    const worker = await startTestWorker({ tools, taskQueue });
    lateWorkers.push(worker);
    return worker;
  };
  const [, copyRun] = await driveResolvedBeforeReentry(handle, cw.t.client, { startWorker });
  const copy = cw.t.client.workflow.getHandle(copyRun!.workflowId, copyRun!.runId);
  expect((await copy.result()).outputs).toEqual(resolvedBeforeReentryOutputs);

  // The precondition of the scenario: all four updates were accepted in the copy's first workflow task.
  const history = (await copy.fetchHistory()).events ?? [];
  const completedAt = history.flatMap((e, i) => (e.workflowTaskCompletedEventAttributes ? [i] : []));
  const acceptedAt = history.flatMap((e, i) => (e.workflowExecutionUpdateAcceptedEventAttributes ? [i] : []));
  expect(acceptedAt).toHaveLength(4);
  expect(acceptedAt.every((i) => i > completedAt[0]! && i < (completedAt[1] ?? Infinity))).toBe(true);

  // No gate was opened again: nothing in the copy's segment waits or asks a second time.
  const head = await copy.query(eventsQuery, { after: 0, limit: 1 });
  const segment = await copy.query(eventsQuery, { after: (head.first_seq ?? 1) - 1, limit: 1000 });
  const types = segment.events.map((e) => e.type);
  for (const again of [EventType.TaskWaitingStarted, EventType.ApprovalRequested, EventType.WorkflowExecutionPaused]) expect(types).not.toContain(again);
  expect(types.filter((t) => t === EventType.TaskWaitingResumed)).toHaveLength(2);
  expect(types.filter((t) => t === EventType.ApprovalDecided)).toHaveLength(1);
  expect(types.at(-1)).toBe(EventType.WorkflowExecutionSuccess);
});
