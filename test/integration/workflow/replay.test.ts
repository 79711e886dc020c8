/**
 * Replays the recorded histories of paused-and-resumed executions (test/fixtures/histories) with the
 * current workflow code. Any nondeterminism fails: a change that would break executions already
 * paused in production (they replay on every worker restart) fails CI. Replay must also rebuild the
 * same journal, event for event, since consumers deduplicate and resume on its ids and `seq`.
 * After a deliberate, compatible change, re-record with `npx tsx scripts/record-histories.ts`.
 * The fixtures in `before-trust-1/` were recorded before the `cadenza-trust-1` patch and are never
 * re-recorded: they prove that executions started by that version still replay (with the behaviour
 * they started with) and rebuild the same journal.
 */
import { readdirSync } from 'node:fs';
import { DeterminismViolationError } from '@temporalio/workflow';
import { Worker } from '@temporalio/worker';
import type { JournalEvent } from '../../../src/workflows/events';
import { beforeTrustDir, fixturesDir, journalIdentity, readHistory, readJournal } from '../../fixtures/histories/history-file';
import { historyScenarios } from '../../fixtures/histories/scenarios';
import { replayWorkerOptions } from '../harness/replay-histories';

const names = historyScenarios.map((s) => s.name);
/** Scenario names of a frozen fixture set. */
const namesIn = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.json') && !f.endsWith('.journal.json')).map((f) => f.slice(0, -'.json'.length)).sort();

const replayOptions = (onEvent?: (workflowId: string, event: JournalEvent) => void) => replayWorkerOptions('cadenza-replay', onEvent);

it('has a recorded history and journal for every scenario, and no stray fixture', () => {
  const files = readdirSync(fixturesDir).filter((f) => f.endsWith('.json')).sort();
  expect(files).toEqual(names.flatMap((n) => [`${n}.journal.json`, `${n}.json`]).sort());
  const frozen = readdirSync(beforeTrustDir).filter((f) => f.endsWith('.json')).sort();
  expect(frozen).toEqual(namesIn(beforeTrustDir).flatMap((n) => [`${n}.journal.json`, `${n}.json`]).sort());
  expect(namesIn(beforeTrustDir).length).toBeGreaterThanOrEqual(11);
});

it.each([
  ['recorded with the current code', fixturesDir, names],
  ['recorded before the cadenza-trust-1 patch', beforeTrustDir, namesIn(beforeTrustDir)],
] as const)('replays every history %s without nondeterminism and rebuilds the same journal', async (_what, dir, names) => {
  const journals = new Map<string, JournalEvent[]>();
  const histories = await Promise.all(names.map(async (name) => ({ workflowId: name, history: await readHistory(name, dir) })));
  const results: Array<[string, string | null]> = [];
  const replay = Worker.runReplayHistories(
    replayOptions((workflowId, event) => journals.set(workflowId, [...(journals.get(workflowId) ?? []), event])),
    histories,
  );
  for await (const result of replay) results.push([result.workflowId, result.error ? `${result.error.name}: ${result.error.message}` : null]);

  expect(results).toEqual(names.map((name) => [name, null]));
  for (const name of names) {
    expect({ name, journal: journalIdentity(journals.get(name) ?? []) }).toEqual({ name, journal: await readJournal(name, dir) });
  }
});

it('records the cadenza-trust-1 patch marker in every current fixture and in none of the frozen ones', async () => {
  const marked = async (name: string, dir: string) => (await readHistory(name, dir)).events.some((e) => e.markerRecordedEventAttributes?.markerName === 'core_patch');
  for (const name of names) expect({ name, marked: await marked(name, fixturesDir) }).toEqual({ name, marked: true });
  for (const name of namesIn(beforeTrustDir)) expect({ name, marked: await marked(name, beforeTrustDir) }).toEqual({ name, marked: false });
});

it('reports a history the workflow code no longer produces as nondeterministic', async () => {
  const history = await readHistory('approval-approve');
  // As if the interpreter had scheduled another activity type where it ran the task activity.
  const scheduled = history.events.find((e) => e.activityTaskScheduledEventAttributes?.activityType);
  scheduled!.activityTaskScheduledEventAttributes!.activityType!.name = 'someOtherActivity';
  await expect(Worker.runReplayHistory(replayOptions(), history, 'tampered')).rejects.toThrow(DeterminismViolationError);
});
