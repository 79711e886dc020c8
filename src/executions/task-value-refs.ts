/**
 * Resolves the value references of task views (docs/design.md §11): a task whose input or output was
 * too large to carry across continue-as-new shows `output: null` plus `output_ref: {run_id, seq}` (or
 * `input: null` plus `input_ref`), naming the journal event of an earlier, closed run whose
 * `data.output` (`data.input`) holds it. The task context read path puts the real values back, reading
 * the event through the segmented journal (and its cache of closed runs). The execution view's task
 * list leaves refs as they are: those values are large by definition and the view must stay small;
 * the ref says where to look, and the task's context shows the value.
 */
import type { TaskContextView, TaskView, ValueRef } from '../workflows/contracts';
import { SegmentRunGone, type SegmentedJournal } from './journal-segments';

/** Reads the values `ValueRef`s name. */
export class TaskValueResolver {
  constructor(private readonly journal: SegmentedJournal) {}

  /**
   * `data[field]` of the event `ref` names, or undefined when its run no longer exists (retention)
   * or the event holds no such value. Other failures (no worker) pass through.
   */
  async value(executionId: string, ref: ValueRef, field: 'input' | 'output'): Promise<{ value: unknown } | undefined> {
    try {
      const event = await this.journal.eventOfRun(executionId, ref.run_id, ref.seq);
      if (event === undefined || typeof event.data !== 'object' || event.data === null || !Object.hasOwn(event.data, field)) return undefined;
      return { value: event.data[field] };
    } catch (error) {
      if (error instanceof SegmentRunGone) return undefined;
      throw error;
    }
  }

  /** `context` with its own and its runs' refs resolved; a ref that cannot be resolved stays (its value `null`). */
  async resolveContext(executionId: string, context: TaskContextView): Promise<TaskContextView> {
    const [withOutput, withInput, runs] = await Promise.all([
      this.resolveOutput(executionId, context),
      this.resolveInput(executionId, context),
      Promise.all(context.runs.map((run) => this.resolveOutput(executionId, run))),
    ]);
    const { input_ref: _before, ...rest } = withOutput;
    return { ...rest, ...withInput, runs };
  }

  private async resolveOutput<T extends TaskView>(executionId: string, view: T): Promise<T> {
    if (!isValueRef(view.output_ref)) return view;
    const resolved = await this.value(executionId, view.output_ref, 'output');
    if (resolved === undefined) return view;
    const { output_ref: _resolved, ...rest } = view;
    return { ...rest, output: resolved.value } as T;
  }

  private async resolveInput(executionId: string, view: TaskContextView): Promise<Pick<TaskContextView, 'input' | 'input_ref'>> {
    const unresolved = { input: view.input, ...(view.input_ref === undefined ? {} : { input_ref: view.input_ref }) };
    if (!isValueRef(view.input_ref)) return unresolved;
    const resolved = await this.value(executionId, view.input_ref, 'input');
    return resolved === undefined ? unresolved : { input: resolved.value };
  }
}

/** A well-formed ref (the workflow's answer is checked like any input). */
export function isValueRef(value: unknown): value is ValueRef {
  if (typeof value !== 'object' || value === null) return false;
  const { run_id: runId, seq } = value as Record<string, unknown>;
  return typeof runId === 'string' && runId.length > 0 && runId.length <= 255 && typeof seq === 'number' && Number.isInteger(seq) && seq >= 1;
}
