/**
 * Every task of a definition's task list, the tasks of parallel branches included, in document order.
 * Tolerates what is not a task list (an execution input is checked later, a definition is parsed
 * before): anything else yields no tasks. Imported by workflow code: no Node built-ins here.
 */
import type { Task } from './schema';

/** Every task of `tasks`, parallel branches included; nothing for what is not a task list. */
export function everyTask(tasks: unknown): Task[] {
  if (!Array.isArray(tasks)) return [];
  return (tasks as Task[]).flatMap((task) => (task?.type === 'parallel' && Array.isArray(task.branches) ? [task, ...task.branches.flatMap((b) => everyTask(b?.tasks))] : [task]));
}
