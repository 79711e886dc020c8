/**
 * Replays every run of executions that continued as new (test/fixtures/histories/continued): each run
 * on its own, the later ones starting from the state the earlier one carried (docs/design.md §11).
 * Replay must rebuild each run's journal segment event for event, with `seq` going on from where the
 * previous run's segment ended. Re-record with `npx tsx scripts/record-continued-histories.ts`.
 */
import { readdirSync } from 'node:fs';
import { defaultPayloadConverter } from '@temporalio/common';
import { Worker } from '@temporalio/worker';
import { CARRIED_GATES_PATCH_ID } from '../../../src/workflows/execution-behaviour';
import type { JournalEvent } from '../../../src/workflows/events';
import { beforeCarriedGatesDir, continuedDir, journalIdentity, readHistory, readJournal } from '../../fixtures/histories/history-file';
import { continuedScenarios } from '../../fixtures/histories/continued-scenarios';
import { replayWorkerOptions } from '../harness/replay-histories';

const runs = readdirSync(continuedDir)
  .filter((f) => f.endsWith('.json') && !f.endsWith('.journal.json'))
  .map((f) => f.slice(0, -'.json'.length))
  .sort();

it('has at least two recorded runs of every continued scenario', () => {
  for (const { name } of continuedScenarios) {
    expect({ name, runs: runs.filter((r) => r.startsWith(`${name}.run`)).length >= 2 }).toEqual({ name, runs: true });
  }
});

it('replays every run without nondeterminism, rebuilding its journal segment with continuous seq', async () => {
  const journals = new Map<string, JournalEvent[]>();
  const histories = await Promise.all(runs.map(async (name) => ({ workflowId: name, history: await readHistory(name, continuedDir) })));
  const results: Array<[string, string | null]> = [];
  const options = replayWorkerOptions('cadenza-replay-continued', (workflowId, event) => journals.set(workflowId, [...(journals.get(workflowId) ?? []), event]));
  for await (const result of Worker.runReplayHistories(options, histories)) results.push([result.workflowId, result.error ? `${result.error.name}: ${result.error.message}` : null]);
  expect(results).toEqual(runs.map((name) => [name, null]));

  for (const { name } of continuedScenarios) {
    const segments = runs.filter((r) => r.startsWith(`${name}.run`));
    let next = 1;
    for (const run of segments) {
      const replayed = journalIdentity(journals.get(run) ?? []);
      expect({ run, journal: replayed }).toEqual({ run, journal: await readJournal(run, continuedDir) });
      expect(replayed[0]?.seq).toBe(next);
      next = (replayed.at(-1)?.seq ?? next - 1) + 1;
    }
  }
});

it('replays a continued run recorded before cadenza-carried-gates-1 as it was recorded: with the gates it opened again', async () => {
  const name = 'resolved-before-reentry-lost';
  const history = await readHistory(name, beforeCarriedGatesDir);
  const patches = history.events.flatMap((e) => {
    const data = e.markerRecordedEventAttributes?.details?.['patch-data']?.payloads?.[0];
    return data ? [defaultPayloadConverter.fromPayload<{ id: string }>(data).id] : [];
  });
  expect(patches).toEqual(['cadenza-2026-12', 'cadenza-callbacks-2', 'cadenza-local-tools-2']);
  expect(patches).not.toContain(CARRIED_GATES_PATCH_ID);
  const journal: JournalEvent[] = [];
  const options = replayWorkerOptions('cadenza-replay-before-carried-gates', (_id, event) => journal.push(event));
  const result = await Worker.runReplayHistory(options, history, name).then(
    () => null,
    (err: unknown) => String(err),
  );
  expect(result).toBeNull();
  const replayed = journalIdentity(journal);
  expect(replayed).toEqual(await readJournal(name, beforeCarriedGatesDir));
  // What the patch mends: the wait and the approval the commands had resolved were asked again.
  expect(replayed.filter((e) => e.type === 'TaskWaitingStarted' || e.type === 'ApprovalRequested').map((e) => e.task_id)).toEqual(['ship', 'approve']);
});

