/**
 * The approval inbox (`GET /api/v1/approvals?status=pending`): executions whose `CadenzaAwaiting`
 * search attribute names the caller (`user:<name>`), one of its roles (`role:<r>`) or `anyone`, then
 * the open approval gates of each that the caller may decide, read from the execution query.
 */
import type { Approvers } from '../definitions/schema';
import type { GateView, TaskContextView } from '../workflows/contracts';
import { PauseReason } from '../workflows/states';
import { ApiProblem, ExecutionNotFound } from '../errors/problems';
import type { CommandCaller } from './command-service';
import type { ExecutionService } from './execution-service';

/** Awaiting entry of approvals without `approvers` (anyone holding `approvals:decide`). */
export const AWAITING_ANYONE = 'anyone';

/** The `CadenzaAwaiting` entries that mean "waiting for this caller". */
export function awaitingEntriesOf(caller: CommandCaller): [string, ...string[]] {
  return [`user:${caller.actor}`, ...caller.roles.map((r) => `role:${r}`), AWAITING_ANYONE];
}

/** One pending approval the caller may decide. */
export interface PendingApproval {
  execution_id: string;
  workflow_id: string;
  workflow_version: number;
  task_id: string;
  task_exec_id: string | null;
  branch: string | null;
  requested_at: string;
  message: unknown;
  approvers: Approvers | null;
  expires_at: string | null;
  on_timeout: string | null;
  /** Where the flow goes on approve. */
  next_task_id: string | null;
  /** The JSON Schema a decision's `data` must meet (the console builds its form from it); null: any. */
  decision_schema: unknown;
  /** An agent's tool call waiting for approval (docs/design.md §8): `{name, arguments}`; null for an approval task. */
  tool_call: unknown;
  /** What the approver decides on: the task's inbound context (input, earlier outputs, execution; not `env`); null when unreadable. */
  context: Record<string, unknown> | null;
}

/** An execution the listing named whose gates could not be read (its worker is gone, say). */
export interface UnavailableExecution {
  execution_id: string;
  /** The problem's slug (`worker_unavailable`, …). */
  problem: string;
  detail: string;
}

/** A page of the inbox; an execution that cannot answer is listed in `unavailable`, never fails the page. */
export interface ApprovalInboxPage {
  items: PendingApproval[];
  unavailable: UnavailableExecution[];
  next_page_token: string | null;
}

export interface InboxRequest {
  pageSize: number;
  pageToken?: string;
  workflow?: string;
}

export class ApprovalInbox {
  constructor(private readonly executions: ExecutionService) {}

  /** A page of pending approvals for `caller`; paging is over executions, newest first. */
  async pending(caller: CommandCaller, request: InboxRequest): Promise<ApprovalInboxPage> {
    const page = await this.executions.list({
      pageSize: request.pageSize,
      awaiting: awaitingEntriesOf(caller),
      ...(request.pageToken === undefined ? {} : { pageToken: request.pageToken }),
      ...(request.workflow === undefined ? {} : { workflow: request.workflow }),
    });
    const unavailable: UnavailableExecution[] = [];
    const perExecution = await Promise.all(
      page.items.map(async (summary) => {
        try {
          // The execution view lists open gates even while another branch still runs (status `running`).
          const view = await this.executions.get(summary.execution_id);
          const gates = view.gates.filter((g) => g.reason === PauseReason.ApprovalRequired && g.task_id !== null && mayDecide(g, caller));
          return Promise.all(
            gates.map(async (g) => pendingApproval(view.execution_id, view.workflow_id, view.workflow_version, g, await this.contextOf(view.execution_id, g))),
          );
        } catch (error) {
          // Visibility lags: it closed (or vanished) after the listing.
          if (error instanceof ExecutionNotFound) return [];
          // One execution that cannot answer (its worker is down) must not hide everyone else's approvals.
          unavailable.push({
            execution_id: summary.execution_id,
            problem: error instanceof ApiProblem ? error.slug : 'internal_error',
            detail: error instanceof ApiProblem ? error.detail : 'its approvals could not be read',
          });
          return [];
        }
      }),
    );
    return { items: perExecution.flat(), unavailable, next_page_token: page.next_page_token };
  }

  /** The gated task's context: its input holds the `decision_schema`; undefined when it cannot be read now. */
  private async contextOf(executionId: string, gate: GateView): Promise<TaskContextView | undefined> {
    try {
      return await this.executions.taskContext(executionId, gate.task_id ?? '');
    } catch (error) {
      if (error instanceof ApiProblem) return undefined;
      throw error;
    }
  }
}

/**
 * The inbound context an approver sees: everything but `env`. Allow-listed environment values are for
 * templates, and a key that may only decide approvals must not read them (`executions:read` shows
 * them in the task context).
 */
function decisionContext(inbound: Record<string, unknown>): Record<string, unknown> {
  const { env: _env, ...rest } = inbound;
  return rest;
}

/** The same rule as the workflow's validator: listed user, a listed role, or no approvers at all. */
function mayDecide(gate: GateView, caller: CommandCaller): boolean {
  const approvers = gate.data.approvers as Approvers | null | undefined;
  if (!approvers || (!approvers.roles?.length && !approvers.users?.length)) return true;
  return (approvers.users ?? []).includes(caller.actor) || (approvers.roles ?? []).some((r) => caller.roles.includes(r));
}

function pendingApproval(executionId: string, workflowId: string, version: number, gate: GateView, context: TaskContextView | undefined): PendingApproval {
  const data = gate.data;
  const input = context?.input;
  const decisionSchema = input !== null && typeof input === 'object' && 'decision_schema' in input ? input.decision_schema : null;
  return {
    execution_id: executionId,
    workflow_id: workflowId,
    workflow_version: version,
    task_id: gate.task_id ?? '',
    task_exec_id: gate.task_exec_id,
    branch: gate.branch,
    requested_at: gate.opened_at,
    message: data.message ?? null,
    approvers: (data.approvers as Approvers | null | undefined) ?? null,
    expires_at: typeof data.expires_at === 'string' ? data.expires_at : null,
    on_timeout: typeof data.on_timeout === 'string' ? data.on_timeout : null,
    next_task_id: gate.next_task_id,
    decision_schema: decisionSchema ?? null,
    tool_call: isToolCall(data.tool_call) ? data.tool_call : null,
    context: context === undefined ? null : decisionContext(context.inbound_context),
  };
}

function isToolCall(value: unknown): value is { id: string; name: string; arguments: unknown } {
  return typeof value === 'object' && value !== null && typeof (value as { name?: unknown }).name === 'string';
}
