/**
 * Replays histories with the workflow bundle of the test run, as a worker does after a restart or a
 * cache eviction. Used by the replay fixtures and by tests that check what they recorded replays.
 */
import type { History } from '@temporalio/common/lib/proto-utils';
import { type InjectedSinks, type ReplayWorkerOptions, Worker } from '@temporalio/worker';
import type { JournalEvent } from '../../../src/workflows/events';
import type { CadenzaSinks } from '../../../src/workflows/journal-sink';
import { failureConverterPath } from '../../../src/worker/create-worker';
import { requireTestEnv, TestEnv } from './test-environment';

/** A history to replay, named by `workflowId` in the answer. */
export interface NamedHistory {
  workflowId: string;
  history: History;
}

/** Replay options with the run's bundle; `onEvent` sees every journal event the replayed code appends. */
export function replayWorkerOptions(replayName: string, onEvent: (workflowId: string, event: JournalEvent) => void = () => undefined): ReplayWorkerOptions {
  const sinks: InjectedSinks<CadenzaSinks> = {
    journal: { appended: { fn: (info, event) => onEvent(info.workflowId, event), callDuringReplay: true } },
  };
  return { workflowBundle: { codePath: requireTestEnv(TestEnv.WorkflowBundle) }, dataConverter: { failureConverterPath }, sinks, replayName };
}

/** Replays every history; answers `name: error` for each that does not replay (nondeterminism or a failed task), none when all do. */
export async function replayFailures(replayName: string, histories: readonly NamedHistory[]): Promise<string[]> {
  const failures: string[] = [];
  for await (const result of Worker.runReplayHistories(replayWorkerOptions(replayName), histories)) {
    if (result.error) failures.push(`${result.workflowId}: ${result.error.name}: ${result.error.message.slice(0, 400)}`);
  }
  return failures;
}
