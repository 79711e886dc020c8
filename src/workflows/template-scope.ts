/**
 * The variables CEL sees in conditions and templates (docs/design.md §2): `input`, `tasks` (the
 * latest state of each task), `execution`, `env`, `signal` (null but in a wait condition) and
 * `resume`, the data the last resume, decision or task resume brought.
 */
import type { ExecutionInput } from './contracts';
import type { TaskLedger } from './task-ledger';

/** The template variables of one execution. */
export class TemplateScope {
  /** Data the last resume, decision or task resume brought (docs/design.md §14.3's `resume_data`). */
  private resume: unknown = null;
  private readonly execution: Record<string, unknown>;

  constructor(
    private readonly input: ExecutionInput,
    private readonly tasks: Pick<TaskLedger, 'tasksScope'>,
    executionId: string,
    startedAt: string,
    carriedResume: unknown = null,
  ) {
    this.resume = carriedResume;
    this.execution = { id: executionId, workflow_id: input.definition.id, workflow_version: input.definition.version, started_at: startedAt };
  }

  /** The data the last resume, decision or task resume brought; null before any did. */
  get resumeData(): unknown {
    return this.resume;
  }

  /** Keeps the data a resume, decision or task resume brought. */
  rememberResume(data: unknown): void {
    this.resume = data;
  }

  /** The variables as they are now. */
  variables(): Record<string, unknown> {
    return this.withTasks(this.tasks.tasksScope, this.resume);
  }

  /** The variables with `tasks` and `resume` as given (a carried run's inbound context). */
  withTasks(tasks: Record<string, unknown>, resume: unknown): Record<string, unknown> {
    return { input: this.input.input ?? null, tasks, execution: this.execution, env: this.input.env, signal: null, resume };
  }
}
