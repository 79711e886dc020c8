/**
 * The execution view within a query answer's budget (docs/design.md §11). Temporal takes a query
 * answer of at most 4 MiB from the worker (its gRPC limit: core answers a bigger one with a failure),
 * and one run may hold much more in task outputs — ten 450 KB outputs, each under the task output
 * limit. Past `VIEW_OUTPUT_BUDGET_BYTES` of outputs in the view, the largest outputs are left as
 * refs to the journal event that holds them (`output: null`, `output_ref`), the way outputs an
 * earlier run holds already are; task context and `/events` read them in full.
 */
import type { TaskView } from './contracts';
import { jsonByteLength } from './payload-size';
import type { TaskRun } from './task-run';

/** Bytes of task outputs an execution view carries inline at most. */
export const VIEW_OUTPUT_BUDGET_BYTES = 1_048_576;

/** The views of `runs`, the largest outputs left as refs until the rest fit `budget`. */
export function taskViewsWithinBudget(runs: readonly TaskRun[], budget: number = VIEW_OUTPUT_BUDGET_BYTES): TaskView[] {
  const views = runs.map((run) => run.view());
  const sizes = views.map((view) => (view.output_ref === undefined ? (jsonByteLength(view.output) ?? 0) : 0));
  let total = sizes.reduce((sum, size) => sum + size, 0);
  if (total <= budget) return views;
  const largestFirst = sizes.map((size, i) => ({ size, i })).sort((a, b) => b.size - a.size || a.i - b.i);
  for (const { size, i } of largestFirst) {
    if (total <= budget) break;
    const ref = runs[i]!.outputRef;
    if (ref === null) continue;
    views[i] = { ...views[i]!, output: null, output_ref: ref };
    total -= size;
  }
  return views;
}
