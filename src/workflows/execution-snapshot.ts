/**
 * The runs and gates of an execution as the plain data it carries when it continues as new, and
 * back (docs/design.md §11). Long executions run some tasks many times: at most `MAX_CARRIED_RUNS`
 * runs are carried — every active one and the latest of each task first, then the most recent.
 */
import { deepMerge } from './deep-merge';
import { Gate, type GateSnapshot } from './gates';
import { restoreRun, type RunSnapshot, snapshotRun } from './run-snapshot';
import type { TaskRun } from './task-run';

/** Most task runs a continued execution carries. */
export const MAX_CARRIED_RUNS = 500;

/** The runs to carry, in schedule order, and how many were left behind; outputs of `inline` tasks stay inline. */
export function carriedRuns(
  runs: readonly TaskRun[],
  latest: ReadonlyMap<string, TaskRun>,
  gated: ReadonlySet<TaskRun>,
  inline: Set<string> | 'all',
): { runs: RunSnapshot[]; dropped: number } {
  const snapshot = (r: TaskRun) => snapshotRun(r, inline === 'all' || inline.has(r.taskId));
  if (runs.length <= MAX_CARRIED_RUNS) return { runs: runs.map(snapshot), dropped: 0 };
  const keep = new Set<TaskRun>();
  for (const run of runs) if (run.active || gated.has(run)) keep.add(run);
  for (const run of latest.values()) keep.add(run);
  for (const run of [...runs].reverse()) {
    if (keep.size >= MAX_CARRIED_RUNS) break;
    keep.add(run);
  }
  const kept = runs.filter((r) => keep.has(r));
  return { runs: kept.map(snapshot), dropped: runs.length - kept.length };
}

/**
 * The carried runs, each seeing as its inbound context the variables `base` builds from the runs
 * scheduled before it (as they ended, not as they were when it was scheduled) and its repair patch.
 */
export function restoreRuns(snapshots: readonly RunSnapshot[], base: (tasks: Record<string, unknown>, resume: unknown) => Record<string, unknown>): TaskRun[] {
  const runs: TaskRun[] = [];
  let tasks: Record<string, unknown> = {};
  for (const snapshot of snapshots) {
    const scope = base(tasks, snapshot.inbound_resume);
    const run = restoreRun(snapshot, snapshot.context_patch === undefined ? scope : deepMerge(scope, snapshot.context_patch));
    runs.push(run);
    tasks = { ...tasks, [run.taskId]: { status: run.status, output: run.output, error: run.error, task_exec_id: run.taskExecId } };
  }
  return runs;
}

/** The carried gates, each holding its run. */
export function restoreGates(snapshots: readonly GateSnapshot[], runs: readonly TaskRun[]): Gate[] {
  const byExecId = new Map(runs.map((r) => [r.taskExecId, r]));
  return snapshots.map((g) => Gate.restore(g, g.task_exec_id === null ? null : (byExecId.get(g.task_exec_id) ?? null)));
}
