/**
 * Values a continued execution carried by reference (docs/design.md §11), loaded back before a task
 * or the execution's outputs read them: only those of the tasks that the templates and conditions
 * name, through the `readJournalValue` activity, once per run.
 */
import { proxyLocalActivities } from '@temporalio/workflow';
import type { CadenzaActivities } from '../activities';
import { compileExpression } from '../definitions/expressions';
import type { Task } from '../definitions/schema';
import { findTemplateExpressions } from '../definitions/templates';
import type { TaskRun } from './task-run';

const { readJournalValue } = proxyLocalActivities<CadenzaActivities>({
  startToCloseTimeout: '30s',
  retry: { maximumAttempts: 5, initialInterval: '200ms' },
});

/** The task ids `value`'s templates read, or `'all'` when one reads `tasks` as a whole. */
export function templateTaskReads(value: unknown): Set<string> | 'all' {
  return expressionTaskReads(findTemplateExpressions(value).map((t) => t.expression));
}

/** The task ids `task`'s templates and conditions read, or `'all'`. */
export function taskReads(task: Task): Set<string> | 'all' {
  const sources: string[] = [];
  if (task.type === 'router') sources.push(task.condition);
  if (task.type === 'wait' && task.condition !== undefined) sources.push(task.condition);
  const templated = task.type === 'basic' ? task.with : task.type === 'approval' ? task.message : undefined;
  const reads = expressionTaskReads(sources);
  const fromTemplates = templated === undefined ? new Set<string>() : templateTaskReads(templated);
  if (reads === 'all' || fromTemplates === 'all') return 'all';
  return new Set([...reads, ...fromTemplates]);
}

/** The task ids the CEL `sources` read, or `'all'`; a source that does not compile reads nothing (it fails where it is evaluated). */
export function expressionTaskReads(sources: readonly string[]): Set<string> | 'all' {
  const ids = new Set<string>();
  for (const source of sources) {
    let references;
    try {
      references = compileExpression(source).references;
    } catch {
      continue;
    }
    for (const r of references) {
      if (r.root !== 'tasks') continue;
      if (r.taskId === undefined) return 'all';
      ids.add(r.taskId);
    }
  }
  return ids;
}

/** True when one of `runs` that `reads` names has an output carried by reference and not loaded. */
export function carriedUnloaded(runs: Iterable<TaskRun>, reads: Set<string> | 'all'): boolean {
  for (const run of runs) {
    if (run.outputByRef && run.outputRef !== null && run.output === null && (reads === 'all' || reads.has(run.taskId))) return true;
  }
  return false;
}

/** Loads the carried outputs of `runs` that `reads` names and this run has not loaded; `loaded` publishes each. */
export async function loadCarriedOutputs(executionId: string, runs: Iterable<TaskRun>, reads: Set<string> | 'all', loaded: (run: TaskRun) => void): Promise<void> {
  for (const run of runs) {
    if (!run.outputByRef || run.outputRef === null || run.output !== null) continue;
    if (reads !== 'all' && !reads.has(run.taskId)) continue;
    run.output = await readJournalValue({ execution_id: executionId, ref: run.outputRef, field: 'output' });
    loaded(run);
  }
}
