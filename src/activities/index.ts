/**
 * Activities of the Cadenza worker. Workflows import this module as types only.
 */
import type { ToolRegistry } from './tools/registry';
import { type ExecutionLogger, noExecutionLog } from './agents/execution-log';
import { createAgentModelCall } from './agents/model-call';
import { createRunTask } from './run-task';

/** Builds the activities with their dependencies (the tool registry, the execution log) injected. */
export function createActivities(tools: ToolRegistry, log: ExecutionLogger = noExecutionLog) {
  return {
    /** Runs one attempt of a `basic` task's tool (or one tool call of an agent). */
    runTask: createRunTask(tools, log),
    /** One model call of an agent task (docs/design.md §8). */
    agentModelCall: createAgentModelCall({ tools, log }),
  };
}

export type CadenzaActivities = ReturnType<typeof createActivities>;
