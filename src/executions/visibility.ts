/**
 * How Cadenza executions look in Temporal visibility: the list query for `GET /executions` and the
 * status an execution has when Temporal's own status and the `CadenzaStatus` search attribute
 * disagree (an execution terminated from the CLI or Web UI never updated its attribute).
 */
import type { WorkflowExecutionStatusName } from '@temporalio/client';
import { INTERPRETER_WORKFLOW_TYPE } from '../workflows/contracts';
import { CadenzaAwaitingKey, CadenzaStatusKey, CadenzaWorkflowIdKey } from '../workflows/search-attributes';
import { ExecutionStatus, terminalExecutionStatuses } from '../workflows/states';
import { visibilityLiteral as quote } from '../temporal/visibility-literal';

export interface ExecutionFilter {
  status?: ExecutionStatus;
  /** Definition id. */
  workflow?: string;
  /**
   * Running executions with an open approval for any of these `CadenzaAwaiting` entries
   * (`user:<u>`, `role:<r>`, `anyone`).
   */
  awaiting?: readonly [string, ...string[]];
}

/**
 * Temporal close statuses and the Cadenza status they stand for when the workflow closed without
 * recording its own. A terminated execution (an operator's force stop) counts as `cancelled`.
 */
const closedStatusFromTemporal: Partial<Record<WorkflowExecutionStatusName, ExecutionStatus>> = {
  COMPLETED: ExecutionStatus.Completed,
  FAILED: ExecutionStatus.Failed,
  CANCELLED: ExecutionStatus.Cancelled,
  TERMINATED: ExecutionStatus.Cancelled,
  TIMED_OUT: ExecutionStatus.TimedOut,
};

/** Temporal's `ExecutionStatus` values as the visibility query language spells them. */
const visibilityStatusName: Partial<Record<WorkflowExecutionStatusName, string>> = {
  COMPLETED: 'Completed',
  FAILED: 'Failed',
  CANCELLED: 'Canceled',
  TERMINATED: 'Terminated',
  TIMED_OUT: 'TimedOut',
};

const liveStatuses = Object.values(ExecutionStatus).filter((s) => !terminalExecutionStatuses.includes(s));

/** The visibility query selecting Cadenza executions that match the filter. */
export function executionListQuery(filter: ExecutionFilter): string {
  const clauses = [`WorkflowType = ${quote(INTERPRETER_WORKFLOW_TYPE)}`];
  if (filter.workflow !== undefined) clauses.push(`${CadenzaWorkflowIdKey.name} = ${quote(filter.workflow)}`);
  if (filter.status !== undefined) clauses.push(statusClause(filter.status));
  if (filter.awaiting !== undefined) {
    // Only running executions wait for anyone (a closed one may keep its last attribute value).
    clauses.push(`${CadenzaAwaitingKey.name} IN (${filter.awaiting.map(quote).join(', ')}) AND ExecutionStatus = 'Running'`);
  }
  return clauses.join(' AND ');
}

/** The status to show for an execution, from Temporal's status and the `CadenzaStatus` attribute. */
export function effectiveStatus(temporalStatus: WorkflowExecutionStatusName, cadenzaStatus: string | undefined): ExecutionStatus {
  const recorded = Object.values(ExecutionStatus).find((s) => s === cadenzaStatus);
  const closed = closedStatusFromTemporal[temporalStatus];
  // Still open (running, or a Temporal-level pause): what the interpreter recorded is current.
  if (closed === undefined) return recorded ?? ExecutionStatus.Running;
  if (recorded && terminalExecutionStatuses.includes(recorded)) return recorded;
  return closed;
}

function statusClause(status: ExecutionStatus): string {
  const attr = CadenzaStatusKey.name;
  if (!terminalExecutionStatuses.includes(status)) return `${attr} = ${quote(status)} AND ExecutionStatus = 'Running'`;
  // Closed without recording it: Temporal's close status decides (see effectiveStatus).
  const temporalNames = Object.entries(closedStatusFromTemporal)
    .filter(([, mapped]) => mapped === status)
    .map(([name]) => visibilityStatusName[name as WorkflowExecutionStatusName])
    .filter((name): name is string => name !== undefined);
  const unrecorded = temporalNames.length
    ? ` OR (ExecutionStatus IN (${temporalNames.map(quote).join(', ')}) AND ${attr} IN (${liveStatuses.map(quote).join(', ')}))`
    : '';
  return `(${attr} = ${quote(status)}${unrecorded})`;
}
