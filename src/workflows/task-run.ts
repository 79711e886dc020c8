/**
 * One run of one task in one execution (`task_exec_id`). A resume that re-runs a task makes a new run;
 * retries are attempts of the same run.
 */
import type { AgentLoopState } from './agent-contracts';
import type { TaskContextView, TaskError, TaskView, ValueRef } from './contracts';
import { TaskStatus } from './states';

export class TaskRun {
  status: TaskStatus = TaskStatus.Scheduled;
  attempts = 0;
  readonly scheduledAt: string;
  startedAt: string | null = null;
  finishedAt: string | null = null;
  input: unknown = null;
  output: unknown = null;
  error: TaskError | null = null;
  /** Why the input could not be resolved (a template error), if it could not. */
  inputError: string | null = null;
  /** Data of the TaskResume that last woke this run (docs/design.md §14.0). */
  resumeData: unknown = null;
  /** The journal event that holds the output (TaskExecutionSuccess, TaskSkipped); a later run may carry only this. */
  outputRef: ValueRef | null = null;
  /** The journal event that holds the input (TaskScheduled). */
  inputRef: ValueRef | null = null;
  /** The output is carried by `outputRef` and not loaded in this run (docs/design.md §11). */
  outputByRef = false;
  /** The input is carried by `inputRef` and not loaded in this run. */
  inputByRef = false;
  /** The context patch of the repair that scheduled this run, merged into its inbound context. */
  contextPatch: Record<string, unknown> | undefined;
  /** An agent task's loop: conversation, tool calls, usage (docs/design.md §8); null for other tasks. */
  agent: AgentLoopState | null = null;

  constructor(
    readonly taskId: string,
    readonly taskExecId: string,
    readonly type: string,
    readonly branch: string | null,
    /** What the task saw when scheduled; shares structure with the execution state (never mutated). */
    readonly inboundContext: Record<string, unknown>,
    /** 1 for the first run of this task id in the execution. */
    readonly runNumber: number,
    scheduledAt?: string,
  ) {
    this.scheduledAt = scheduledAt ?? new Date().toISOString();
  }

  get active(): boolean {
    return this.status === TaskStatus.Scheduled || this.status === TaskStatus.Running || this.status === TaskStatus.Waiting;
  }

  finish(status: TaskStatus, result: { output?: unknown; error?: TaskError | null } = {}): void {
    this.status = status;
    this.finishedAt = new Date().toISOString();
    if ('output' in result) this.output = result.output ?? null;
    if (result.error !== undefined) this.error = result.error;
  }

  view(): TaskView {
    return {
      task_id: this.taskId,
      task_exec_id: this.taskExecId,
      type: this.type,
      status: this.status,
      branch: this.branch,
      attempts: this.attempts,
      scheduled_at: this.scheduledAt,
      started_at: this.startedAt,
      finished_at: this.finishedAt,
      output: this.output,
      error: this.error,
      ...(this.outputByRef && this.outputRef !== null && { output_ref: this.outputRef }),
    };
  }

  contextView(runs: TaskView[]): TaskContextView {
    return {
      ...this.view(),
      inbound_context: this.inboundContext,
      input: this.input,
      ...(this.inputByRef && this.inputRef !== null && { input_ref: this.inputRef }),
      resume_data: this.resumeData,
      runs,
      ...(this.agent !== null && { agent: this.agent }),
    };
  }
}
