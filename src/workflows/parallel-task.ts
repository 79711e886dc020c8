/**
 * A `parallel` task: runs inside the workflow. Each branch is a flow of its own, run side by side in
 * one cancellation scope; the task ends when its branches have ended. `fail_fast` cancels the other
 * branches at the first failure; `best_effort` succeeds whatever its branches did. The output lists
 * every branch's status, output and error.
 */
import { CancellationScope, isCancellation } from '@temporalio/workflow';
import type { ParallelTask } from '../definitions/schema';
import type { ParallelPosition } from './flow-positions';
import type { FlowOutcome, TaskHost } from './task-host';
import type { TaskRun } from './task-run';

/**
 * Runs the branches of `task` and ends its run. In a continued execution (`from`), the branches that
 * had ended keep their outcome and the others re-enter where they were parked.
 */
export async function runParallelTask(host: TaskHost, run: TaskRun, task: ParallelTask, from?: ParallelPosition): Promise<void> {
  if (from === undefined) host.tasks.startInline(run);
  const group = new CancellationScope();
  // Parked with its branches; what each ended branch did is kept here, carried if the execution continues.
  const position: ParallelPosition = { at: 'parallel', failed_fast: from?.failed_fast ?? false, ended: { ...from?.ended } };
  let failedFast = position.failed_fast;
  const ended = (id: string, outcome: BranchOutcome): BranchOutcome => {
    position.ended[id] = { status: outcome.status, last: outcome.last?.taskExecId ?? null };
    return outcome;
  };
  const settle = host.behaviour.settleBranches ? settleAll : Promise.all.bind(Promise);
  const runBranches = () =>
    group.run(() =>
      settle(
        task.branches.map(async (branch): Promise<BranchOutcome> => {
          const carried = from?.ended[branch.id];
          if (carried !== undefined) return { id: branch.id, status: carried.status, last: carried.last === null ? undefined : host.tasks.findByExecId(carried.last) };
          const path = `${run.branch === null ? '' : `${run.branch}/`}${task.id}/${branch.id}`;
          try {
            const outcome = await host.runFlow(branch.tasks, path);
            if (outcome.status === 'failed' && task.strategy === 'fail_fast' && !failedFast) {
              failedFast = true;
              position.failed_fast = true;
              group.cancel();
            }
            return ended(branch.id, { id: branch.id, ...outcome });
          } catch (err) {
            // A sibling's failure cancelled this branch; a cancellation of the whole execution propagates.
            if (failedFast && isCancellation(err) && !CancellationScope.current().parent?.consideredCancelled) {
              return ended(branch.id, { id: branch.id, status: 'cancelled' as const, last: undefined });
            }
            throw err;
          }
        }),
      ),
    );
  // While its branches run, the flow of the parallel task itself waits on them.
  const outcomes = await host.whileWaitingOnBranches(run.branch, runBranches, { at: 'in_task', task_id: run.taskId, run: run.taskExecId, inner: position });
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

/** How one branch ended. */
interface BranchOutcome {
  id: string;
  status: FlowOutcome['status'] | 'cancelled';
  last: TaskRun | undefined;
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
