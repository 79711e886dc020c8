/**
 * A `router` task: runs inside the workflow. It evaluates its CEL condition on the inbound context
 * and goes on at the route the value names, else at `default`; a condition that cannot be evaluated,
 * or a value with no route, fails the task.
 */
import { evaluateExpression } from '../definitions/expressions';
import type { RouterTask } from '../definitions/schema';
import { errorMessage } from './task-error';
import type { TaskHost } from './task-host';
import type { TaskRun } from './task-run';

/** Runs the router; returns the route it took (the next task id), or `failed`. */
export function runRouterTask(host: TaskHost, run: TaskRun, task: RouterTask): { next: string | undefined; failed: boolean } {
  host.tasks.startInline(run);
  let value: unknown;
  try {
    value = evaluateExpression(task.condition, run.inboundContext);
  } catch (err) {
    host.tasks.fail(run, { message: `condition: ${errorMessage(err)}`, type: 'ExpressionError', non_retryable: true });
    return { next: undefined, failed: true };
  }
  const key = typeof value === 'string' ? value : JSON.stringify(value);
  // Only the routes the definition names: a value such as "constructor" is no route.
  const named = host.behaviour.strictCommands ? (Object.hasOwn(task.routes, key) ? task.routes[key] : undefined) : task.routes[key];
  const route = named ?? task.default;
  if (route === undefined) {
    host.tasks.fail(run, {
      message: `no route for value ${JSON.stringify(key)} (routes: ${Object.keys(task.routes).join(', ')})`,
      type: 'NoRouteMatched',
      non_retryable: true,
    });
    return { next: undefined, failed: true };
  }
  host.tasks.succeed(run, { value, route });
  return { next: route, failed: false };
}
