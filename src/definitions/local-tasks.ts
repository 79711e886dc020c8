/**
 * Which `basic` tasks run as Temporal local activities (docs/design.md §13), and the limits that
 * come with it. A local activity runs in the worker that holds the workflow task, without a round
 * trip through the task queue, so a chain of short tasks costs milliseconds per task. Two
 * differences follow, checked at registration:
 *
 * - no heartbeats across workflow tasks: the attempt is not a server-side activity, so
 *   `heartbeat_timeout` has no meaning (a lost worker is noticed by the workflow task timeout);
 * - a maximum duration, `MAX_LOCAL_TASK_TIMEOUT` per attempt: commands (pause, cancel, resume) that
 *   arrive while a local task runs reach the workflow when core heartbeats its workflow task (80 % of
 *   `LOCAL_WORKFLOW_TASK_TIMEOUT`, which executions with `local: true` tasks start with), so a local task must
 *   be short. An explicit `local: true` with a longer `timeout` is refused.
 *
 * Imported by workflow code: no Node built-ins here.
 */
import { msToNumber } from '@temporalio/common/lib/time';
import type { DefinitionIssue } from './definition-error';
import { everyTask } from './every-task';
import type { BasicTask, Definition, Task } from './schema';

/** Longest attempt of a local task: how long one attempt may hold its worker's workflow task. */
export const MAX_LOCAL_TASK_TIMEOUT = '10s';

/** `MAX_LOCAL_TASK_TIMEOUT` in milliseconds. */
export const MAX_LOCAL_TASK_TIMEOUT_MS = 10_000;

/**
 * Built-in tools that declare themselves local (their `Tool.local`): a task using one without a
 * `local` field runs locally when it fits the limits. Workflow code cannot see the worker's tool
 * registry, so the list lives here; a unit test keeps it equal to the registry's declarations.
 */
export const LOCAL_BUILTIN_TOOLS: readonly string[] = ['echo'];

/** How a basic task chose to run: explicitly local, explicitly or implicitly plain, or local because its tool says so. */
export type Locality = 'local' | 'plain' | 'tool_default';

/** The locality of a basic task as the definition states it (`tool_default`: the tool declares itself local and the task fits). */
export function localityOf(task: BasicTask): Locality {
  if (task.local === true) return 'local';
  if (task.local === false || task.tool === undefined || !LOCAL_BUILTIN_TOOLS.includes(task.tool)) return 'plain';
  const fits = task.heartbeat_timeout === undefined && (task.timeout === undefined || msToNumber(task.timeout) <= MAX_LOCAL_TASK_TIMEOUT_MS);
  return fits ? 'tool_default' : 'plain';
}

/**
 * Workflow task timeout of an execution whose definition has a `local: true` task. Core keeps the
 * workflow task open while a local attempt runs and heartbeats it at 80 % of this timeout; only then
 * does the server hand the workflow what was sent meanwhile. With 2 s an immediate pause or a cancel
 * reaches a running local attempt within ~1.6 s (and cancels it), instead of 8 s under Temporal's
 * default of 10 s. It also bounds every other workflow task of such an execution: one that takes a
 * worker longer (a replay of a long run on an overloaded worker) times out and runs again. So only
 * definitions that ask for local tasks get it: a tool that declares itself local (`echo`) answers in
 * microseconds, and its executions keep Temporal's 10 s.
 */
export const LOCAL_WORKFLOW_TASK_TIMEOUT = '2s';

/** True when a task of `definition`, parallel branches included, says `local: true`. */
export function asksForLocalTasks(definition: Pick<Definition, 'tasks'>): boolean {
  return everyTask(definition.tasks).some((task) => task.type === 'basic' && localityOf(task) === 'local');
}

/** Start options of an execution of `definition`: `LOCAL_WORKFLOW_TASK_TIMEOUT` when a task of it says `local: true`. */
export function localStartOptions(definition: Pick<Definition, 'tasks'>): { workflowTaskTimeout?: typeof LOCAL_WORKFLOW_TASK_TIMEOUT } {
  return asksForLocalTasks(definition) ? { workflowTaskTimeout: LOCAL_WORKFLOW_TASK_TIMEOUT } : {};
}

/** Start-to-close timeout of one local attempt: the task's own, else the config's default capped at the maximum. */
export function localTimeoutMs(task: BasicTask, configTimeout: string | undefined): number {
  if (task.timeout !== undefined) return msToNumber(task.timeout);
  return configTimeout === undefined ? MAX_LOCAL_TASK_TIMEOUT_MS : Math.min(msToNumber(configTimeout), MAX_LOCAL_TASK_TIMEOUT_MS);
}

/** Registration refusals of `local: true` and of `set` tasks (fields that do not apply to work done inside the workflow). */
export function shortTaskIssues(task: Task, path: string): DefinitionIssue[] {
  const issues: DefinitionIssue[] = [];
  if (task.type === 'basic' && task.local === true) {
    if (task.heartbeat_timeout !== undefined) {
      issues.push({ path: `${path}.heartbeat_timeout`, message: 'a local task cannot heartbeat across workflow tasks: drop heartbeat_timeout, or local: true' });
    }
    if (task.timeout !== undefined && msToNumber(task.timeout) > MAX_LOCAL_TASK_TIMEOUT_MS) {
      issues.push({ path: `${path}.timeout`, message: `a local task runs at most ${MAX_LOCAL_TASK_TIMEOUT} per attempt (got ${task.timeout}): shorten timeout, or drop local: true` });
    }
  }
  if (task.type === 'set') {
    for (const field of ['timeout', 'heartbeat_timeout', 'retry'] as const) {
      if (task[field] !== undefined) issues.push({ path: `${path}.${field}`, message: `a set task computes its values inside the workflow, with no activity: ${field} does not apply` });
    }
  }
  return issues;
}
