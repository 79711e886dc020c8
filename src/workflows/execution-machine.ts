/**
 * The interpreter's state machine: walks a definition's flows, runs tasks, keeps the journal and
 * answers the views behind the queries. The workflow function only wires it to Temporal.
 */
import {
  ApplicationFailure,
  CancellationScope,
  isCancellation,
  sleep,
  upsertSearchAttributes,
  uuid4,
} from '@temporalio/workflow';
import type { ParallelTask, RouterTask, Task } from '../definitions/schema';
import { evaluateExpression } from '../definitions/expressions';
import { renderTemplate } from '../definitions/templates';
import type {
  ExecutionError,
  ExecutionInput,
  ExecutionResult,
  ExecutionView,
  StatusView,
  TaskContextView,
  TaskError,
} from './contracts';
import { EventType } from './events';
import { Journal } from './journal';
import { CadenzaStatusKey } from './search-attributes';
import { ExecutionStatus, TaskStatus } from './states';
import { TaskRun } from './task-run';
import { runBasicTask } from './basic-task';
import { toTaskError } from './task-error';

/** How a flow (the top level or one parallel branch) ended. */
interface FlowOutcome {
  status: 'succeeded' | 'failed';
  /** The last task run of the flow (its output is the branch output). */
  last: TaskRun | undefined;
}

/** Entry of the `tasks` template variable: what later tasks may read of an earlier one. */
interface TaskScopeEntry {
  status: TaskStatus;
  output: unknown;
  error: TaskError | null;
  task_exec_id: string;
}

export class ExecutionMachine {
  readonly journal: Journal;
  private status: ExecutionStatus = ExecutionStatus.Running;
  private readonly runs: TaskRun[] = [];
  private readonly latestRun = new Map<string, TaskRun>();
  /** Replaced (never mutated) on every change, so inbound-context snapshots can share it. */
  private tasksScope: Readonly<Record<string, TaskScopeEntry>> = {};
  private readonly startedAt = new Date().toISOString();
  private finishedAt: string | null = null;
  private error: ExecutionError | null = null;
  private outputs: Record<string, unknown> | null = null;
  private readonly executionScope: Record<string, unknown>;

  constructor(
    private readonly executionId: string,
    private readonly input: ExecutionInput,
  ) {
    this.journal = new Journal(executionId, input.definition.id);
    this.executionScope = {
      id: executionId,
      workflow_id: input.definition.id,
      workflow_version: input.definition.version,
      started_at: this.startedAt,
    };
  }

  /** Runs the execution to its end; throws the failure that closes the workflow when it does not complete. */
  async run(): Promise<ExecutionResult> {
    this.journal.append({
      type: EventType.WorkflowExecutionStarted,
      data: { input: this.input.input, workflow_version: this.input.definition.version, trigger: this.input.trigger },
    });
    try {
      const outcome = await this.runWithTimeout();
      if (outcome.status === 'failed') throw this.failedFlow(outcome);
      this.outputs = this.renderOutputs();
      this.close(ExecutionStatus.Completed);
      this.journal.append({ type: EventType.WorkflowExecutionSuccess, data: { outputs: this.outputs } });
      return { execution_id: this.executionId, status: this.status, outputs: this.outputs };
    } catch (err) {
      throw this.closeOnError(err);
    }
  }

  // ---- flows -------------------------------------------------------------------------------

  private timedOut = false;

  private async runWithTimeout(): Promise<FlowOutcome> {
    const timeout = this.input.definition.config?.timeout;
    if (timeout === undefined) return this.runFlow(this.input.definition.tasks, null);
    const flowScope = new CancellationScope();
    const timerScope = new CancellationScope();
    void timerScope
      .run(() => sleep(timeout))
      .then(() => {
        this.timedOut = true;
        flowScope.cancel();
      })
      .catch(() => undefined); // the timer is cancelled when the flow ends first
    try {
      return await flowScope.run(() => this.runFlow(this.input.definition.tasks, null));
    } finally {
      timerScope.cancel();
    }
  }

  /** Runs a flow from its first task until a task has nowhere to go. */
  private async runFlow(tasks: readonly Task[], branch: string | null): Promise<FlowOutcome> {
    const byId = new Map(tasks.map((t) => [t.id, t]));
    let task: Task | undefined = tasks[0];
    let last: TaskRun | undefined;
    while (task) {
      const { run, next } = await this.runTask(task, branch);
      last = run;
      if (run.status === TaskStatus.Failed) {
        const onError = task.on_error?.next;
        if (onError === undefined) return { status: 'failed', last };
        task = byId.get(onError);
        continue;
      }
      task = task.final || next === undefined ? undefined : byId.get(next);
    }
    return { status: 'succeeded', last };
  }

  private async runTask(task: Task, branch: string | null): Promise<{ run: TaskRun; next: string | undefined }> {
    const run = this.schedule(task, branch);
    switch (task.type) {
      case 'basic':
        await runBasicTask(this, run, task, this.input.definition.config);
        return { run, next: task.on_success?.next };
      case 'router':
        return { run, next: this.runRouter(run, task) };
      case 'parallel':
        await this.runParallel(run, task);
        return { run, next: task.on_success?.next };
    }
  }

  private schedule(task: Task, branch: string | null): TaskRun {
    const previous = this.latestRun.get(task.id);
    const run = new TaskRun(task.id, uuid4(), task.type, branch, this.templateScope(), (previous?.runNumber ?? 0) + 1);
    this.runs.push(run);
    this.latestRun.set(task.id, run);
    this.recordTask(run);
    this.journal.append({
      type: EventType.TaskScheduled,
      task_id: run.taskId,
      task_exec_id: run.taskExecId,
      data: { task_type: task.type, branch, run: run.runNumber },
    });
    return run;
  }

  private runRouter(run: TaskRun, task: RouterTask): string | undefined {
    this.startInline(run);
    let value: unknown;
    try {
      value = evaluateExpression(task.condition, run.inboundContext);
    } catch (err) {
      this.failTask(run, { message: `condition: ${errorMessage(err)}`, type: 'ExpressionError', non_retryable: true });
      return undefined;
    }
    const key = typeof value === 'string' ? value : JSON.stringify(value);
    const route = task.routes[key] ?? task.default;
    if (route === undefined) {
      this.failTask(run, {
        message: `no route for value ${JSON.stringify(key)} (routes: ${Object.keys(task.routes).join(', ')})`,
        type: 'NoRouteMatched',
        non_retryable: true,
      });
      return undefined;
    }
    this.succeedTask(run, { value, route });
    return route;
  }

  private async runParallel(run: TaskRun, task: ParallelTask): Promise<void> {
    this.startInline(run);
    const group = new CancellationScope();
    let failedFast = false;
    const outcomes = await group.run(() =>
      Promise.all(
        task.branches.map(async (branch) => {
          const path = `${run.branch === null ? '' : `${run.branch}/`}${task.id}/${branch.id}`;
          try {
            const outcome = await this.runFlow(branch.tasks, path);
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
    const branches = Object.fromEntries(
      outcomes.map((o) => [o.id, { status: o.status, output: o.last?.output ?? null, error: o.status === 'failed' ? (o.last?.error ?? null) : null }]),
    );
    const failed = outcomes.filter((o) => o.status === 'failed');
    if (failed.length > 0 && task.strategy !== 'best_effort') {
      const detail = failed.map((o) => `branch "${o.id}" failed at task "${o.last?.taskId ?? '?'}": ${o.last?.error?.message ?? 'failed'}`).join('; ');
      this.failTask(run, { message: detail, type: 'BranchFailed', non_retryable: true, details: { branches } }, { branches });
      return;
    }
    this.succeedTask(run, { branches });
  }

  // ---- task state transitions (also used by basic-task.ts) ----------------------------------------

  /** Marks a task that runs inside the workflow (router, parallel) as started. */
  private startInline(run: TaskRun): void {
    run.attempts = 1;
    run.status = TaskStatus.Running;
    run.startedAt = new Date().toISOString();
    this.journal.append({ type: EventType.TaskExecutionStarted, task_id: run.taskId, task_exec_id: run.taskExecId, attempt: 1, data: {} });
  }

  succeedTask(run: TaskRun, output: unknown): void {
    run.finish(TaskStatus.Succeeded, { output, error: null });
    this.recordTask(run);
    this.journal.append({
      type: EventType.TaskExecutionSuccess,
      task_id: run.taskId,
      task_exec_id: run.taskExecId,
      attempt: run.attempts,
      data: { output, duration_ms: durationMs(run.startedAt ?? run.scheduledAt, run.finishedAt) },
    });
  }

  failTask(run: TaskRun, error: TaskError, output?: unknown): void {
    run.finish(TaskStatus.Failed, { error, ...(output !== undefined && { output }) });
    this.recordTask(run);
    this.journal.append({
      type: EventType.TaskExecutionFailed,
      task_id: run.taskId,
      task_exec_id: run.taskExecId,
      attempt: run.attempts,
      data: { error, final: true },
    });
  }

  cancelTask(run: TaskRun, reason: string): void {
    if (!run.active) return;
    run.finish(TaskStatus.Cancelled);
    this.recordTask(run);
    this.journal.append({ type: EventType.TaskExecutionCancelled, task_id: run.taskId, task_exec_id: run.taskExecId, attempt: run.attempts, data: { reason } });
  }

  /** Publishes a run's latest state to the `tasks` template variable. */
  recordTask(run: TaskRun): void {
    this.tasksScope = {
      ...this.tasksScope,
      [run.taskId]: { status: run.status, output: run.output, error: run.error, task_exec_id: run.taskExecId },
    };
  }

  get identity(): { executionId: string; workflowId: string } {
    return { executionId: this.executionId, workflowId: this.input.definition.id };
  }

  // ---- closing -----------------------------------------------------------------------------

  private failedFlow(outcome: FlowOutcome): ApplicationFailure {
    const run = outcome.last;
    const message = `task "${run?.taskId ?? '?'}" failed: ${run?.error?.message ?? 'unknown error'}`;
    this.error = { message, type: run?.error?.type ?? null, task_id: run?.taskId ?? null };
    return ApplicationFailure.create({ message, type: 'TaskFailed', nonRetryable: true, details: [{ task_id: run?.taskId ?? null }] });
  }

  private closeOnError(err: unknown): unknown {
    if (isCancellation(err)) {
      const reason = this.timedOut ? 'timeout' : 'cancelled';
      this.cancelActiveTasks(reason);
      if (this.timedOut) {
        const message = `execution timed out after ${this.input.definition.config?.timeout ?? '?'}`;
        this.error = { message, type: 'ExecutionTimedOut', task_id: null };
        this.close(ExecutionStatus.TimedOut);
        this.journal.append({ type: EventType.WorkflowExecutionTimedOut, data: { timeout: this.input.definition.config?.timeout } });
        return ApplicationFailure.create({ message, type: 'ExecutionTimedOut', nonRetryable: true });
      }
      this.close(ExecutionStatus.Cancelled);
      this.journal.append({ type: EventType.WorkflowExecutionCancelled, data: {} });
      return err;
    }
    if (this.error === null) {
      // A bug or an unexpected error: still close the journal truthfully.
      this.error = { message: errorMessage(err), type: err instanceof ApplicationFailure ? (err.type ?? null) : 'InternalError', task_id: null };
    }
    this.cancelActiveTasks('execution failed');
    this.close(ExecutionStatus.Failed);
    this.journal.append({ type: EventType.WorkflowExecutionFailed, task_id: this.error.task_id ?? undefined, data: { error: this.error } });
    return err instanceof ApplicationFailure ? err : ApplicationFailure.create({ message: this.error.message, type: this.error.type ?? 'InternalError', nonRetryable: true });
  }

  private cancelActiveTasks(reason: string): void {
    for (const run of this.runs) this.cancelTask(run, reason);
  }

  private close(status: ExecutionStatus): void {
    this.finishedAt = new Date().toISOString();
    this.setStatus(status);
  }

  private setStatus(status: ExecutionStatus): void {
    this.status = status;
    upsertSearchAttributes([{ key: CadenzaStatusKey, value: status }]);
  }

  private renderOutputs(): Record<string, unknown> {
    const outputs = this.input.definition.outputs;
    if (outputs === undefined) return {};
    try {
      return renderTemplate(outputs, this.templateScope(), 'outputs') as Record<string, unknown>;
    } catch (err) {
      const message = errorMessage(err);
      this.error = { message, type: 'TemplateError', task_id: null };
      throw ApplicationFailure.create({ message, type: 'TemplateError', nonRetryable: true });
    }
  }

  /** Variables visible to CEL in conditions and templates. */
  templateScope(): Record<string, unknown> {
    return {
      input: this.input.input ?? null,
      tasks: this.tasksScope,
      execution: this.executionScope,
      env: this.input.env,
      signal: null,
      resume: null,
    };
  }

  // ---- views -------------------------------------------------------------------------------

  statusView(): StatusView {
    return {
      execution_id: this.executionId,
      workflow_id: this.input.definition.id,
      workflow_version: this.input.definition.version,
      status: this.status,
      pause: null,
      started_at: this.startedAt,
      finished_at: this.finishedAt,
      active_tasks: this.runs.filter((r) => r.active).map((r) => r.taskId),
      error: this.error,
    };
  }

  executionView(): ExecutionView {
    return {
      ...this.statusView(),
      input: this.input.input ?? null,
      tasks: [...this.latestRun.values()].map((r) => r.view()),
      gates: [],
      outputs: this.outputs,
      last_seq: this.journal.lastSeq,
    };
  }

  taskContextView(taskId: string): TaskContextView | null {
    const run = this.latestRun.get(taskId);
    if (run === undefined) return null;
    return run.contextView(this.runs.filter((r) => r.taskId === taskId).map((r) => r.view()));
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function durationMs(from: string, to: string | null): number {
  return to === null ? 0 : Date.parse(to) - Date.parse(from);
}

export { toTaskError };
