/**
 * Activities of the Cadenza worker. Workflows import this module as types only.
 */
import type { TaskSizeLimits } from '../limits/size-limits';
import type { ToolRegistry } from './tools/registry';
import { readJournalValue } from './read-journal-value';
import { createRunTask } from './run-task';

/** Builds the activities with their dependencies (the tool registry, the size limits) injected. */
export function createActivities(tools: ToolRegistry, limits?: TaskSizeLimits) {
  return {
    /** Runs one attempt of a `basic` task's tool. */
    runTask: createRunTask(tools, limits),
    /** Reads a value a continued execution carried by reference (docs/design.md §11). */
    readJournalValue,
  };
}

export type CadenzaActivities = ReturnType<typeof createActivities>;
