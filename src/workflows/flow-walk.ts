/**
 * Walking one flow — the top level or one parallel branch — task after task (docs/design.md §3). A
 * manual pause may hold the branch before each task, and a `pause_before` breakpoint opens a gate
 * there; each task runs as a new run, dispatched by its type. A failed task goes on at
 * `on_error.next`, ends the flow, or — when the definition says to pause — waits at a `task_failed`
 * gate for a repair: retry (a new run) or skip (a supplied output).
 */
import { isCancellation } from '@temporalio/workflow';
import type { Task, WorkflowConfig } from '../definitions/schema';
import { runApprovalTask } from './approval-task';
import { type InputOverride, runBasicTask } from './basic-task';
import { Gate, type GateResolution } from './gates';
import { runParallelTask } from './parallel-task';
import { runRouterTask } from './router-task';
import { runSetTask } from './set-task';
import { PauseReason, TaskStatus } from './states';
import type { FlowOutcome, TaskHost } from './task-host';
import type { TaskRun } from './task-run';
import { runWaitTask } from './wait-task';

/** How a repair re-runs a task. */
export interface RerunOptions {
  input?: InputOverride;
  context?: Record<string, unknown>;
}

/** What walking a flow needs from the execution, besides what its tasks need. */
export interface FlowHost extends TaskHost {
  /** The definition's config (retries, timeouts, `on_task_failure`). */
  readonly config: WorkflowConfig | undefined;
  /** Why a cancelled branch ends its task: `timeout` when the execution timed out, else `cancelled`. */
  readonly cancelReason: string;
  /** A new run of `task` on `branch`, seeing the template variables (with a repair's context merged in); journals TaskScheduled. */
  scheduleRun(task: Task, branch: string | null, rerun: RerunOptions): TaskRun;
  /** Resolves a wait task's gate with a signal that arrived before it waited, if one did. */
  takeBufferedSignal(gate: Gate): void;
}

interface TaskOutcome {
  run: TaskRun;
  next: string | undefined;
  failed: boolean;
}

/** Runs a flow from its first task until a task has nowhere to go. */
export async function walkFlow(host: FlowHost, tasks: readonly Task[], branch: string | null): Promise<FlowOutcome> {
  const byId = new Map(tasks.map((t) => [t.id, t]));
  let task: Task | undefined = tasks[0];
  let last: TaskRun | undefined;
  while (task) {
    await beforeTask(host, task, branch);
    let outcome = await runTask(host, task, branch);
    // A gated failure waits for a repair: retry (a new run) or skip (a supplied output).
    while (outcome.failed && task.on_error?.next === undefined && pausesOnFailure(host, task)) {
      const repair = await host.awaitGate(host.openGate(failureGate(outcome.run, task)));
      if (repair.kind === 'retry') outcome = await runTask(host, task, branch, rerunOptions(repair));
      else if (repair.kind === 'skip') outcome = skipTask(host, outcome.run, task, repair.output);
    }
    last = outcome.run;
    if (outcome.failed) {
      const onError = task.on_error?.next;
      if (onError === undefined) return { status: 'failed', last };
      task = byId.get(onError);
      continue;
    }
    task = task.final || outcome.next === undefined ? undefined : byId.get(outcome.next);
  }
  return { status: 'succeeded', last };
}

function pausesOnFailure(host: FlowHost, task: Task): boolean {
  return task.on_error?.pause ?? host.config?.on_task_failure === 'pause';
}

/** A manual pause holds the branch here; a `pause_before` breakpoint opens a gate. */
async function beforeTask(host: FlowHost, task: Task, branch: string | null): Promise<void> {
  await host.holdIfPaused(task.id, branch);
  if (task.pause_before) {
    const gate = host.openGate(new Gate(PauseReason.Breakpoint, null, task.id, branch, task.id, { before: task.id }));
    await host.awaitGate(gate);
  }
}

async function runTask(host: FlowHost, task: Task, branch: string | null, rerun: RerunOptions = {}): Promise<TaskOutcome> {
  const run = host.scheduleRun(task, branch, rerun);
  if (!host.behaviour.releaseGatesWithBranch) return runScheduled(host, run, task);
  try {
    return await runScheduled(host, run, task);
  } catch (err) {
    // A cancelled branch ends its task too (an approval or a wait no longer waits for anyone).
    if (isCancellation(err)) host.tasks.cancel(run, host.cancelReason);
    throw err;
  }
}

async function runScheduled(host: FlowHost, run: TaskRun, task: Task): Promise<TaskOutcome> {
  switch (task.type) {
    case 'basic':
      await runBasicTask(host, run, task, host.config);
      return { run, next: task.on_success?.next, failed: run.status !== TaskStatus.Succeeded };
    case 'router':
      return { run, ...runRouterTask(host, run, task) };
    case 'parallel':
      await runParallelTask(host, run, task);
      return { run, next: task.on_success?.next, failed: run.status !== TaskStatus.Succeeded };
    case 'approval':
      return { run, ...(await runApprovalTask(host, run, task)) };
    case 'wait':
      return { run, ...(await runWaitTask(host, run, task, (gate) => host.takeBufferedSignal(gate))) };
    case 'set':
      return { run, ...runSetTask(host, run, task) };
  }
}

function failureGate(run: TaskRun, task: Task): Gate {
  return new Gate(PauseReason.TaskFailed, run, run.taskId, run.branch, task.on_success?.next ?? null, { error: run.error, attempts: run.attempts });
}

function skipTask(host: FlowHost, run: TaskRun, task: Task, output: unknown): TaskOutcome {
  host.tasks.skip(run, output);
  const next = task.type === 'router' ? ((output as { route?: string }).route ?? undefined) : task.type === 'approval' ? task.on_approve?.next : task.on_success?.next;
  return { run, next, failed: false };
}

function rerunOptions(repair: Extract<GateResolution, { kind: 'retry' }>): RerunOptions {
  return { ...(repair.hasInput && { input: { value: repair.input } }), ...(repair.context !== undefined && { context: repair.context }) };
}
