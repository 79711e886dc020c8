/**
 * Activities of the Cadenza worker. Workflows import this module as types only.
 */
import type { TaskSizeLimits } from '../limits/size-limits';
import type { ToolRegistry } from './tools/registry';
import { type ExecutionLogger, noExecutionLog } from './agents/execution-log';
import { createAgentModelCall } from './agents/model-call';
import { readJournalValue } from './read-journal-value';
import { createRunTask } from './run-task';

/** Builds the activities with their dependencies (the tool registry, the size limits, the execution log) injected. */
export function createActivities(tools: ToolRegistry, limits?: TaskSizeLimits, log: ExecutionLogger = noExecutionLog) {
  return {
    /** Runs one attempt of a `basic` task's tool (or one tool call of an agent). */
    runTask: createRunTask(tools, limits, log),
    /** Reads a value a continued execution carried by reference (docs/design.md §11). */
    readJournalValue,
    /** One model call of an agent task (docs/design.md §8). */
    agentModelCall: createAgentModelCall({ tools, log }),
  };
}

export type CadenzaActivities = ReturnType<typeof createActivities>;
