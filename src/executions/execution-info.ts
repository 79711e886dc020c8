/**
 * What Temporal says about an execution without asking a worker (describe, visibility rows): whether
 * it exists and is an interpreter execution, its effective status and its summary.
 */
import { type Client, type WorkflowExecutionDescription, type WorkflowExecutionInfo, WorkflowNotFoundError } from '@temporalio/client';
import { ExecutionClosed, ExecutionNotFound } from '../errors/problems';
import { INTERPRETER_WORKFLOW_TYPE } from '../workflows/contracts';
import { CadenzaAwaitingKey, CadenzaStatusKey, CadenzaWorkflowIdKey, CadenzaWorkflowVersionKey } from '../workflows/search-attributes';
import type { ExecutionStatus } from '../workflows/states';
import { isExecutionId } from './execution-id';
import { effectiveStatus } from './visibility';

/** `-` and a 36-character UUID: what an execution id adds to its definition id. */
const EXECUTION_ID_SUFFIX_LENGTH = 37;

export interface ExecutionSummary {
  execution_id: string;
  workflow_id: string;
  workflow_version: number | null;
  status: ExecutionStatus;
  /** Who open approvals wait for: `role:<r>`, `user:<u>`, `anyone` (the `CadenzaAwaiting` attribute). */
  awaiting: string[];
  started_at: string;
  closed_at: string | null;
}

/** What both a visibility listing row and a describe answer hold. */
export type ExecutionInfoFields = Pick<WorkflowExecutionInfo, 'workflowId' | 'status' | 'typedSearchAttributes' | 'startTime' | 'closeTime'>;

export function statusOf(info: ExecutionInfoFields): ExecutionStatus {
  return effectiveStatus(info.status.name, info.typedSearchAttributes.get(CadenzaStatusKey));
}

export function summarize(info: ExecutionInfoFields): ExecutionSummary {
  const open = info.status.name === 'RUNNING';
  return {
    execution_id: info.workflowId,
    workflow_id: info.typedSearchAttributes.get(CadenzaWorkflowIdKey) ?? info.workflowId.slice(0, -EXECUTION_ID_SUFFIX_LENGTH),
    workflow_version: info.typedSearchAttributes.get(CadenzaWorkflowVersionKey) ?? null,
    status: statusOf(info),
    // A closed execution waits for nobody, whatever its attribute last said.
    awaiting: open ? [...(info.typedSearchAttributes.get(CadenzaAwaitingKey) ?? [])] : [],
    started_at: info.startTime.toISOString(),
    closed_at: info.closeTime?.toISOString() ?? null,
  };
}

/** The description of an interpreter execution; undefined when there is none with that id. */
export async function describeIfExists(client: Client, executionId: string): Promise<WorkflowExecutionDescription | undefined> {
  if (!isExecutionId(executionId)) return undefined;
  try {
    const description = await client.workflow.getHandle(executionId).describe();
    return description.type === INTERPRETER_WORKFLOW_TYPE ? description : undefined;
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return undefined;
    throw error;
  }
}

/** Like `describeIfExists`, but `execution_not_found` when there is none. */
export async function describeExecution(client: Client, executionId: string): Promise<WorkflowExecutionDescription> {
  const description = await describeIfExists(client, executionId);
  if (!description) throw new ExecutionNotFound(executionId);
  return description;
}

/**
 * Why Temporal said "not found" to a message for an execution: it is closed (`execution_closed`) or
 * does not exist (`execution_not_found`). Messages to a closed workflow fail with NOT_FOUND.
 */
export async function explainNotFound(client: Client, executionId: string): Promise<ExecutionClosed | ExecutionNotFound> {
  const description = await describeIfExists(client, executionId);
  if (!description) return new ExecutionNotFound(executionId);
  return new ExecutionClosed(executionId, statusOf(description));
}
