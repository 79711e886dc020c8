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
import type { FlowPosition, InTaskPosition } from './flow-positions';
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
  /** True when `task` reads an output carried by reference that this run has not loaded (docs/design.md §11). */
  needsCarriedValues(task: Task): boolean;
  /** Loads the carried outputs `task` reads. */
  loadCarriedValues(task: Task): Promise<void>;
}

interface TaskOutcome {
  run: TaskRun;
  next: string | undefined;
  failed: boolean;
}

/**
 * Runs a flow from its first task until a task has nowhere to go; a flow of a continued execution
 * re-enters where it was parked (`from`, docs/design.md §11).
 */
export async function walkFlow(host: FlowHost, tasks: readonly Task[], branch: string | null, from?: FlowPosition): Promise<FlowOutcome> {
  const byId = new Map(tasks.map((t) => [t.id, t]));
  let task: Task | undefined = from !== undefined && 'task_id' in from ? byId.get(from.task_id) : tasks[0];
  let last: TaskRun | undefined;
  let entry = from;
  while (task) {
    let outcome = await enterTask(host, task, branch, entry);
    let carriedGate = entry?.at === 'failure_gate' ? carriedGateOf(host, entry.gate) : undefined;
    entry = undefined;
    // A gated failure waits for a repair: retry (a new run) or skip (a supplied output).
    while (outcome.failed && task.on_error?.next === undefined && pausesOnFailure(host, task)) {
      const gate = carriedGate ?? host.openGate(failureGate(outcome.run, task));
      carriedGate = undefined;
      const repair = await host.awaitGate(gate, undefined, { at: 'failure_gate', task_id: task.id, run: outcome.run.taskExecId, gate: gate.id });
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

/** The gate with this id that the run carried, open or already resolved (`GateRegistry.carried`). */
function carriedGateOf(host: FlowHost, id: string): Gate | undefined {
  return host.gates.carried((g) => g.id === id);
}

function pausesOnFailure(host: FlowHost, task: Task): boolean {
  return task.on_error?.pause ?? host.config?.on_task_failure === 'pause';
}

/** Runs `task` — or, in a continued execution, goes on from where its flow was parked at it. */
async function enterTask(host: FlowHost, task: Task, branch: string | null, entry: FlowPosition | undefined): Promise<TaskOutcome> {
  const carriedRun = entry !== undefined && 'run' in entry ? host.tasks.findByExecId(entry.run) : undefined;
  if (entry?.at === 'failure_gate' && carriedRun !== undefined) return { run: carriedRun, next: undefined, failed: true };
  if (entry?.at === 'in_task' && carriedRun !== undefined) return settled(host, carriedRun, () => runScheduled(host, carriedRun, task, entry.inner));
  await beforeTask(host, task, branch, entry?.at === 'breakpoint' ? carriedGateOf(host, entry.gate) : undefined);
  return runTask(host, task, branch);
}

/** A manual pause holds the branch here; a `pause_before` breakpoint opens a gate (or waits at the carried one). */
async function beforeTask(host: FlowHost, task: Task, branch: string | null, carriedGate?: Gate): Promise<void> {
  if (carriedGate === undefined) await host.holdIfPaused(task.id, branch, { at: 'before_task', task_id: task.id });
  if (task.pause_before) {
    const gate = carriedGate ?? host.openGate(new Gate(PauseReason.Breakpoint, null, task.id, branch, task.id, { before: task.id }));
    await host.awaitGate(gate, undefined, { at: 'breakpoint', task_id: task.id, gate: gate.id });
  }
}

async function runTask(host: FlowHost, task: Task, branch: string | null, rerun: RerunOptions = {}): Promise<TaskOutcome> {
  // Only when needed: an await more would reorder the commands of executions from before long life.
  if (host.needsCarriedValues(task)) await host.loadCarriedValues(task);
  const run = host.scheduleRun(task, branch, rerun);
  return settled(host, run, () => runScheduled(host, run, task));
}

async function settled(host: FlowHost, run: TaskRun, body: () => Promise<TaskOutcome>): Promise<TaskOutcome> {
  if (!host.behaviour.releaseGatesWithBranch) return body();
  try {
    return await body();
  } catch (err) {
    // A cancelled branch ends its task too (an approval or a wait no longer waits for anyone).
    if (isCancellation(err)) host.tasks.cancel(run, host.cancelReason);
    throw err;
  }
}

async function runScheduled(host: FlowHost, run: TaskRun, task: Task, inner?: InTaskPosition): Promise<TaskOutcome> {
  switch (task.type) {
    case 'basic':
      await runBasicTask(host, run, task, host.config, inner?.at === 'basic_attempt' || inner?.at === 'basic_waiting' ? inner : undefined);
      return { run, next: task.on_success?.next, failed: run.status !== TaskStatus.Succeeded };
    case 'router':
      return { run, ...runRouterTask(host, run, task) };
    case 'parallel':
      await runParallelTask(host, run, task, inner?.at === 'parallel' ? inner : undefined);
      return { run, next: task.on_success?.next, failed: run.status !== TaskStatus.Succeeded };
    case 'approval':
      return { run, ...(await runApprovalTask(host, run, task, inner?.at === 'approval' ? inner : undefined)) };
    case 'wait':
      return { run, ...(await runWaitTask(host, run, task, (gate) => host.takeBufferedSignal(gate), inner?.at === 'wait' ? inner : undefined)) };
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
