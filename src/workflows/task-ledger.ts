/**
 * Every task run of one execution and the transitions of a run, each journaled: scheduled, started
 * inside the workflow, succeeded, failed, cancelled, skipped. Also the `tasks` template variable, the
 * latest state of each task as later tasks read it.
 */
import { uuid4 } from '@temporalio/workflow';
import type { Task } from '../definitions/schema';
import { type InputOverride, resolveBasicInput } from './basic-task';
import type { TaskError } from './contracts';
import { EventType } from './events';
import type { Journal } from './journal';
import { TaskStatus } from './states';
import type { RunTransitions } from './task-host';
import { TaskRun } from './task-run';

/** Entry of the `tasks` template variable: what later tasks may read of an earlier one. */
export interface TaskScopeEntry {
  status: TaskStatus;
  output: unknown;
  error: TaskError | null;
  task_exec_id: string;
}

/** The task runs of one execution. */
export class TaskLedger implements RunTransitions {
  private readonly all: TaskRun[] = [];
  private readonly latest = new Map<string, TaskRun>();
  /** Replaced (never mutated) on every change, so inbound-context snapshots can share it. */
  private scope: Readonly<Record<string, TaskScopeEntry>> = {};

  /** @param onSettled called after a run succeeded or failed, so the execution can refresh its status. */
  constructor(
    private readonly journal: Journal,
    private readonly onSettled: () => void = () => undefined,
  ) {}

  /** Every run, in the order they were scheduled. */
  get runs(): readonly TaskRun[] {
    return this.all;
  }

  /** The latest run of each task. */
  get latestRun(): ReadonlyMap<string, TaskRun> {
    return this.latest;
  }

  /** The `tasks` template variable. */
  get tasksScope(): Readonly<Record<string, TaskScopeEntry>> {
    return this.scope;
  }

  /** True while a task other than a parallel one runs (the status test before steady status). */
  get anyRunning(): boolean {
    return this.all.some((r) => r.status === TaskStatus.Running && r.type !== 'parallel');
  }

  /** The run with this `task_exec_id`, if any. */
  findByExecId(taskExecId: string): TaskRun | undefined {
    return this.all.find((r) => r.taskExecId === taskExecId);
  }

  /** A new run of `task` on `branch` that sees `inbound`, its input resolved (or `input`); journals TaskScheduled. */
  schedule(task: Task, branch: string | null, inbound: Record<string, unknown>, input?: InputOverride): TaskRun {
    const previous = this.latest.get(task.id);
    const run = new TaskRun(task.id, uuid4(), task.type, branch, inbound, (previous?.runNumber ?? 0) + 1);
    if (task.type === 'basic') resolveBasicInput(run, task, input, previous);
    this.all.push(run);
    this.latest.set(task.id, run);
    this.record(run);
    const scheduled = this.journal.append({
      type: EventType.TaskScheduled,
      task_id: run.taskId,
      task_exec_id: run.taskExecId,
      data: {
        task_type: task.type,
        branch,
        run: run.runNumber,
        ...(task.type === 'basic' && { ...(task.agent !== undefined ? { agent: task.agent } : { tool: task.tool }), input: run.input }),
        ...(previous !== undefined && { previous_task_exec_id: previous.taskExecId }),
      },
    });
    if (task.type === 'basic') run.inputRef = this.journal.refOf(scheduled);
    return run;
  }

  /** Marks a task that runs inside the workflow (router, parallel) as started. */
  startInline(run: TaskRun): void {
    run.attempts = 1;
    run.status = TaskStatus.Running;
    run.startedAt = new Date().toISOString();
    this.journal.append({ type: EventType.TaskExecutionStarted, task_id: run.taskId, task_exec_id: run.taskExecId, attempt: 1, data: {} });
  }

  /** Ends a run as succeeded with `output`; journals TaskExecutionSuccess. */
  succeed(run: TaskRun, output: unknown): void {
    run.finish(TaskStatus.Succeeded, { output, error: null });
    this.record(run);
    const success = this.journal.append({
      type: EventType.TaskExecutionSuccess,
      task_id: run.taskId,
      task_exec_id: run.taskExecId,
      attempt: run.attempts,
      data: { output, duration_ms: durationMs(run.startedAt ?? run.scheduledAt, run.finishedAt) },
    });
    run.outputRef = this.journal.refOf(success);
    this.onSettled();
  }

  /** Ends a run as failed (or timed out) with `error`; journals the final TaskExecutionFailed. */
  fail(run: TaskRun, error: TaskError, options: { status?: 'failed' | 'timed_out'; output?: unknown } = {}): void {
    run.finish(options.status === 'timed_out' ? TaskStatus.TimedOut : TaskStatus.Failed, { error, ...('output' in options && { output: options.output }) });
    this.record(run);
    this.journal.append({
      type: EventType.TaskExecutionFailed,
      task_id: run.taskId,
      task_exec_id: run.taskExecId,
      attempt: run.attempts,
      data: { error, final: true, status: run.status },
    });
    this.onSettled();
  }

  /** Cancels a run that is still active; an ended run stays as it ended. */
  cancel(run: TaskRun, reason: string): void {
    if (!run.active) return;
    run.finish(TaskStatus.Cancelled);
    this.record(run);
    this.journal.append({ type: EventType.TaskExecutionCancelled, task_id: run.taskId, task_exec_id: run.taskExecId, attempt: run.attempts, data: { reason } });
  }

  /** Cancels every active run, in the order they were scheduled. */
  cancelActive(reason: string): void {
    for (const run of this.all) this.cancel(run, reason);
  }

  /** Ends a failed run as skipped, with the output a repair supplied. */
  skip(run: TaskRun, output: unknown): void {
    run.finish(TaskStatus.Skipped, { output, error: run.error });
    this.record(run);
    const skipped = this.journal.append({ type: EventType.TaskSkipped, task_id: run.taskId, task_exec_id: run.taskExecId, data: { output } });
    run.outputRef = this.journal.refOf(skipped);
  }

  /** The runs a continued execution carried, in schedule order (docs/design.md §11). */
  restore(runs: readonly TaskRun[]): void {
    for (const run of runs) {
      this.all.push(run);
      this.latest.set(run.taskId, run);
      this.record(run);
    }
  }

  /** The latest run of each task scheduled before `run`: the `tasks` its inbound context saw. */
  scopeBefore(run: TaskRun): Record<string, TaskScopeEntry> {
    const scope: Record<string, TaskScopeEntry> = {};
    for (const earlier of this.all) {
      if (earlier === run) break;
      scope[earlier.taskId] = entryOf(earlier);
    }
    return scope;
  }

  /** Publishes a run's latest state to the `tasks` template variable. */
  record(run: TaskRun): void {
    this.scope = { ...this.scope, [run.taskId]: entryOf(run) };
  }
}

function entryOf(run: TaskRun): TaskScopeEntry {
  return { status: run.status, output: run.output, error: run.error, task_exec_id: run.taskExecId };
}

function durationMs(from: string, to: string | null): number {
  return to === null ? 0 : Date.parse(to) - Date.parse(from);
}
