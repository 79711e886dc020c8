/**
 * A `parallel` task: runs inside the workflow. Each branch is a flow of its own, run side by side in
 * one cancellation scope; the task ends when its branches have ended. `fail_fast` cancels the other
 * branches at the first failure; `best_effort` succeeds whatever its branches did. The output lists
 * every branch's status, output and error.
 */
import { CancellationScope, isCancellation } from '@temporalio/workflow';
import type { ParallelTask } from '../definitions/schema';
import type { TaskHost } from './task-host';
import type { TaskRun } from './task-run';

/** Runs the branches of `task` and ends its run. */
export async function runParallelTask(host: TaskHost, run: TaskRun, task: ParallelTask): Promise<void> {
  host.tasks.startInline(run);
  const group = new CancellationScope();
  let failedFast = false;
  const settle = host.behaviour.settleBranches ? settleAll : Promise.all.bind(Promise);
  const runBranches = () =>
    group.run(() =>
      settle(
        task.branches.map(async (branch) => {
          const path = `${run.branch === null ? '' : `${run.branch}/`}${task.id}/${branch.id}`;
          try {
            const outcome = await host.runFlow(branch.tasks, path);
            if (outcome.status === 'failed' && task.strategy === 'fail_fast' && !failedFast) {
              failedFast = true;
              group.cancel();
            }
            return { id: branch.id, ...outcome };
          } catch (err) {
            // A sibling's failure cancelled this branch; a cancellation of the whole execution propagates.
            if (failedFast && isCancellation(err) && !CancellationScope.current().parent?.consideredCancelled) {
              return { id: branch.id, status: 'cancelled' as const, last: undefined };
            }
            throw err;
          }
        }),
      ),
    );
  // While its branches run, the flow of the parallel task itself waits on them.
  const outcomes = await host.whileWaitingOnBranches(run.branch, runBranches);
  const branches = Object.fromEntries(
    outcomes.map((o) => [o.id, { status: o.status, output: o.last?.output ?? null, error: o.status === 'failed' ? (o.last?.error ?? null) : null }]),
  );
  const failed = outcomes.filter((o) => o.status === 'failed');
  if (failed.length > 0 && task.strategy !== 'best_effort') {
    const detail = failed.map((o) => `branch "${o.id}" failed at task "${o.last?.taskId ?? '?'}": ${o.last?.error?.message ?? 'failed'}`).join('; ');
    host.tasks.fail(run, { message: detail, type: 'BranchFailed', non_retryable: true, details: { branches } }, { output: { branches } });
    return;
  }
  host.tasks.succeed(run, { branches });
}

/**
 * Like `Promise.all`, but waits for every promise to settle before rejecting with the first
 * rejection, so a cancelled parallel task has really stopped in every branch before it goes on.
 */
async function settleAll<T>(promises: Promise<T>[]): Promise<T[]> {
  const settled = await Promise.allSettled(promises);
  const rejected = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (rejected !== undefined) throw rejected.reason;
  return settled.map((r) => (r as PromiseFulfilledResult<T>).value);
}
