/**
 * A `set` task (docs/design.md §13): runs inside the workflow, with no activity. It renders its
 * `values` — strings may hold `{{ cel }}` templates — against the inbound context; the rendered
 * values are its output, so later tasks read them as `tasks.<id>.output.<key>`. A template that
 * cannot be evaluated fails the task (not retryable: the same context gives the same error; a
 * `retry` repair with `context` can change it).
 */
import type { SetTask } from '../definitions/schema';
import { renderTemplate } from '../definitions/templates';
import { errorMessage } from './task-error';
import type { TaskHost } from './task-host';
import type { TaskRun } from './task-run';

/** Runs the set task; returns where the flow goes next, or `failed`. */
export function runSetTask(host: TaskHost, run: TaskRun, task: SetTask): { next: string | undefined; failed: boolean } {
  host.tasks.startInline(run);
  let values: unknown;
  try {
    values = renderTemplate(task.values, run.inboundContext, 'values');
  } catch (err) {
    host.tasks.fail(run, { message: errorMessage(err), type: 'TemplateError', non_retryable: true });
    return { next: undefined, failed: true };
  }
  host.tasks.succeed(run, values);
  return { next: task.on_success?.next, failed: false };
}
