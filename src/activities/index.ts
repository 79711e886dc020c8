/**
 * Activities of the Cadenza worker. Workflows import this module as types only.
 */
import type { ToolRegistry } from './tools/registry';
import { createBulkActivities } from './bulk';
import { createInboundActivities, type InboundDeps } from './inbound';
import { createRunTask } from './run-task';

/** Builds the activities with their dependencies (the tool registry, a Temporal client) injected. */
export function createActivities(tools: ToolRegistry, inbound: InboundDeps) {
  return {
    /** Runs one attempt of a `basic` task's tool. */
    runTask: createRunTask(tools),
    /** Callback tokens, correlated waits, event delivery (docs/design.md §9). */
    ...createInboundActivities(inbound),
    /** Bulk operations (docs/design.md §9). */
    ...createBulkActivities(inbound.client),
  };
}

export type CadenzaActivities = ReturnType<typeof createActivities>;
