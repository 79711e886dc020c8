/**
 * Resolves `output_ref`s of task views (docs/design.md §11): a task whose output was too large to keep
 * in the state carried across continue-as-new shows `output: null` plus `output_ref: {run_id, seq}`,
 * naming the TaskExecutionSuccess or TaskSkipped event (its `data.output`) in an earlier, closed run.
 * The task context read path puts the real output back, reading the event through the segmented
 * journal (and its cache of closed runs). The execution view's task list leaves refs as they are: those
 * outputs are large by definition, and the view must stay small; `output_ref` says where to look.
 */
import { EventType } from '../workflows/events';
import type { OutputRef, TaskContextView, TaskView } from '../workflows/contracts';
import { SegmentRunGone, type SegmentedJournal } from './journal-segments';

const OUTPUT_EVENTS: ReadonlySet<string> = new Set([EventType.TaskExecutionSuccess, EventType.TaskSkipped]);

/** Reads the outputs `output_ref`s name. */
export class TaskOutputResolver {
  constructor(private readonly journal: SegmentedJournal) {}

  /**
   * The output `ref` names, or undefined when the run no longer exists (retention) or its event is not
   * an output event. Other failures (no worker) pass through.
   */
  async output(executionId: string, ref: OutputRef): Promise<{ output: unknown } | undefined> {
    try {
      const event = await this.journal.eventOfRun(executionId, ref.run_id, ref.seq);
      if (event === undefined || !OUTPUT_EVENTS.has(event.type) || !Object.hasOwn(event.data, 'output')) return undefined;
      return { output: event.data.output };
    } catch (error) {
      if (error instanceof SegmentRunGone) return undefined;
      throw error;
    }
  }

  /** `context` with its own and its runs' refs resolved; a ref that cannot be resolved stays (output `null`). */
  async resolveContext(executionId: string, context: TaskContextView): Promise<TaskContextView> {
    const [view, runs] = await Promise.all([this.resolveView(executionId, context), Promise.all(context.runs.map((run) => this.resolveView(executionId, run)))]);
    return { ...view, runs };
  }

  private async resolveView<T extends TaskView>(executionId: string, view: T): Promise<T> {
    const ref = view.output_ref;
    if (!isOutputRef(ref)) return view;
    const resolved = await this.output(executionId, ref);
    if (resolved === undefined) return view;
    const { output_ref: _resolved, ...rest } = view;
    return { ...rest, output: resolved.output } as T;
  }
}

/** A well-formed ref (the workflow's answer is checked like any input). */
export function isOutputRef(value: unknown): value is OutputRef {
  if (typeof value !== 'object' || value === null) return false;
  const { run_id: runId, seq } = value as Record<string, unknown>;
  return typeof runId === 'string' && runId.length > 0 && runId.length <= 255 && typeof seq === 'number' && Number.isInteger(seq) && seq >= 1;
}
