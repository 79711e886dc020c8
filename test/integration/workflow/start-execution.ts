/**
 * Starts interpreter executions straight through the Temporal client (no API), for workflow tests.
 */
import { randomUUID } from 'node:crypto';
import type { Client, WorkflowHandle, WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import { localStartOptions } from '../../../src/definitions/local-tasks';
import { DefinitionSchema, type VersionedDefinition } from '../../../src/definitions/schema';
import type { ExecutionInput } from '../../../src/workflows/contracts';
import type { JournalEvent } from '../../../src/workflows/events';
import { cadenzaInterpreter } from '../../../src/workflows';
import { eventsQuery } from '../../../src/workflows/messages';
import { CadenzaStatusKey, CadenzaWorkflowIdKey, CadenzaWorkflowVersionKey } from '../../../src/workflows/search-attributes';

export function definition(body: Record<string, unknown>): VersionedDefinition {
  const parsed = DefinitionSchema.parse({ id: 'test', version: 1, ...body });
  return { ...parsed, version: parsed.version ?? 1 };
}

export async function startExecution(
  client: Client,
  taskQueue: string,
  def: VersionedDefinition,
  input: unknown = {},
  env: Record<string, string> = {},
  limits?: ExecutionInput['limits'],
): Promise<WorkflowHandleWithFirstExecutionRunId<typeof cadenzaInterpreter>> {
  const args: ExecutionInput = { definition: def, input, env, trigger: { source: 'api' }, ...(limits && { limits }) };
  return client.workflow.start(cadenzaInterpreter, { args: [args], taskQueue, workflowId: `${def.id}-${randomUUID()}`, ...executionStartOptions(def) });
}

/** The start options of an execution of `def` besides its arguments, queue and id: as the API starts them (ExecutionService.trigger). */
export function executionStartOptions(def: VersionedDefinition) {
  return {
    ...localStartOptions(def),
    typedSearchAttributes: [
      { key: CadenzaStatusKey, value: 'running' },
      { key: CadenzaWorkflowIdKey, value: def.id },
      { key: CadenzaWorkflowVersionKey, value: def.version },
    ],
  };
}

export async function journal(handle: WorkflowHandle): Promise<JournalEvent[]> {
  return (await handle.query(eventsQuery, { limit: 1000 })).events;
}

export function types(events: JournalEvent[], taskId?: string): string[] {
  return events.filter((e) => taskId === undefined || e.task_id === taskId).map((e) => e.type);
}
