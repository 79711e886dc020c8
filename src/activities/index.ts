/**
 * Activities of the Cadenza worker. Workflows import this module as types only.
 */
import type { ToolRegistry } from './tools/registry';
import { createRunTask } from './run-task';

/** Builds the activities with their dependencies (the tool registry) injected. */
export function createActivities(tools: ToolRegistry) {
  return {
    /** Runs one attempt of a `basic` task's tool. */
    runTask: createRunTask(tools),
  };
}

export type CadenzaActivities = ReturnType<typeof createActivities>;
