/**
 * Activities of the Cadenza worker. Workflows import this module as types only.
 */
import type { TaskSizeLimits } from '../limits/size-limits';
import type { ToolRegistry } from './tools/registry';
import { type ExecutionLogger, noExecutionLog } from './agents/execution-log';
import { createAgentModelCall } from './agents/model-call';
import { createBulkActivities } from './bulk';
import { createInboundActivities, type InboundDeps } from './inbound';
import { readJournalValue } from './read-journal-value';
import { createRunTask } from './run-task';

/** What the activities are built from. */
export interface ActivityDeps {
  /** The tools tasks and agents call. */
  tools: ToolRegistry;
  /** A Temporal client, the task queue and the public URL (events in, callbacks, bulk). */
  inbound: InboundDeps;
  /** Task input and output size limits (default: 512 KiB each). */
  limits?: TaskSizeLimits;
  /** Where agent and tool log lines go. */
  log?: ExecutionLogger;
}

/** Builds the activities with their dependencies injected. */
export function createActivities({ tools, inbound, limits, log = noExecutionLog }: ActivityDeps) {
  return {
    /** Runs one attempt of a `basic` task's tool (or one tool call of an agent). */
    runTask: createRunTask(tools, limits, log),
    /** Reads a value a continued execution carried by reference (docs/design.md §11). */
    readJournalValue,
    /** One model call of an agent task (docs/design.md §8). */
    agentModelCall: createAgentModelCall({ tools, log }),
    /** Callback tokens, correlated waits, event delivery (docs/design.md §9). */
    ...createInboundActivities(inbound),
    /** Bulk operations (docs/design.md §9). */
    ...createBulkActivities(inbound.client),
  };
}

export type CadenzaActivities = ReturnType<typeof createActivities>;
