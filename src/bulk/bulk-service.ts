/**
 * Bulk operations, client side (docs/design.md §9): `start()` checks the selection and starts a
 * `cadenzaBulk` workflow (the worker applies the commands, so the API may restart any time);
 * `dryRun()` counts what would be selected and shows a sample (for a resume, each sample's resume
 * plan); `progress()` reads the workflow's progress query.
 */
import { randomUUID } from 'node:crypto';
import { type Client, isGrpcServiceError, WorkflowNotFoundError } from '@temporalio/client';
import { isUnknownQuery } from '../temporal/query-errors';
import { BulkNotFound, BulkQueryInvalid } from '../errors/inbound-problems';
import { ApiProblem } from '../errors/problems';
import type { CommandCaller, ExecutionCommandService } from '../executions/command-service';
import { DEFAULT_WORKER_DEADLINE_MS, withWorkerDeadline } from '../temporal/worker-deadline';
import { BULK_WORKFLOW_TYPE, type BulkAction, type BulkInput, type BulkProgress, type BulkProgressArgs, bulkProgressQuery } from '../workflows/bulk-messages';
import { INTERPRETER_WORKFLOW_TYPE } from '../workflows/contracts';
import { CadenzaStatusKey } from '../workflows/search-attributes';

/** A bulk request: one action, its command body, ids or a visibility query. */
export interface BulkRequest {
  action: BulkAction;
  command?: Record<string, unknown>;
  ids?: string[];
  query?: string;
  rate_per_s?: number;
}

/** One execution of a dry run's sample. */
export interface BulkSampleEntry {
  execution_id: string;
  status: string | null;
  /** resume: whether the command would apply, and what it misses. */
  plan?: { ok: boolean; error: string | null; missing: Array<{ task_id: string; need: string }> };
}

/** The dry run's answer. */
export interface BulkDryRun {
  dry_run: true;
  action: BulkAction;
  count: number;
  sample: BulkSampleEntry[];
}

/** Default `rate_per_s`. */
export const DEFAULT_BULK_RATE = 100;

/** Bulk operation ids. */
const BULK_ID = /^cadenza-bulk-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const SAMPLE_SIZE = 10;

/** gRPC status of a query Temporal cannot parse. */
const GRPC_INVALID_ARGUMENT = 3;

export class BulkService {
  private readonly deadlineMs: number;

  constructor(private readonly options: { client: Client; taskQueue: string; commands: ExecutionCommandService; deadlineMs?: number }) {
    this.deadlineMs = options.deadlineMs ?? DEFAULT_WORKER_DEADLINE_MS;
  }

  /** Starts the bulk operation; answers its id. */
  async start(request: BulkRequest, caller: CommandCaller): Promise<{ bulk_id: string }> {
    if (request.query !== undefined) await this.count(request.query);
    const bulkId = `cadenza-bulk-${randomUUID()}`;
    const input: BulkInput = {
      bulk_id: bulkId,
      action: request.action,
      command: request.command ?? {},
      ...(request.ids !== undefined && { ids: request.ids }),
      ...(request.query !== undefined && { query: selectionQuery(request.query) }),
      rate_per_s: request.rate_per_s ?? DEFAULT_BULK_RATE,
      actor: caller.actor,
      roles: [...caller.roles],
      requested_at: new Date().toISOString(),
    };
    await this.options.client.workflow.start(BULK_WORKFLOW_TYPE, { workflowId: bulkId, taskQueue: this.options.taskQueue, args: [input] });
    return { bulk_id: bulkId };
  }

  /** What the operation would select, and a sample; changes nothing. */
  async dryRun(request: BulkRequest, caller: CommandCaller): Promise<BulkDryRun> {
    let count: number;
    let sampleIds: string[];
    if (request.query !== undefined) {
      count = await this.count(request.query);
      const { client } = this.options;
      const page = await client.workflowService.listWorkflowExecutions({ namespace: client.options.namespace, query: selectionQuery(request.query), pageSize: SAMPLE_SIZE });
      sampleIds = page.executions.flatMap((e) => (e.execution?.workflowId ? [e.execution.workflowId] : []));
    } else {
      const ids = [...new Set(request.ids ?? [])];
      count = ids.length;
      sampleIds = ids.slice(0, SAMPLE_SIZE);
    }
    const sample = await Promise.all(sampleIds.map((id) => this.sampleEntry(id, request, caller)));
    return { dry_run: true, action: request.action, count, sample };
  }

  /** Progress and a page of outcomes. */
  async progress(bulkId: string, args: BulkProgressArgs): Promise<BulkProgress> {
    if (!BULK_ID.test(bulkId)) throw new BulkNotFound(bulkId);
    const handle = this.options.client.workflow.getHandle(bulkId);
    try {
      return await withWorkerDeadline(this.options.client, this.deadlineMs, 'the bulk progress query', () => handle.query(bulkProgressQuery, args));
    } catch (error) {
      if (error instanceof WorkflowNotFoundError || isUnknownQuery(error)) throw new BulkNotFound(bulkId);
      throw error;
    }
  }

  private async sampleEntry(id: string, request: BulkRequest, caller: CommandCaller): Promise<BulkSampleEntry> {
    const status = await this.cadenzaStatus(id);
    if (request.action !== 'resume' || status === null) return { execution_id: id, status };
    try {
      const plan = await this.options.commands.planResume(id, (request.command ?? {}), caller);
      return { execution_id: id, status, plan: { ok: plan.ok, error: plan.error?.message ?? null, missing: plan.missing } };
    } catch (error) {
      if (!(error instanceof ApiProblem)) throw error;
      return { execution_id: id, status, plan: { ok: false, error: error.detail, missing: [] } };
    }
  }

  private async cadenzaStatus(id: string): Promise<string | null> {
    try {
      const description = await this.options.client.workflow.getHandle(id).describe();
      const value = description.typedSearchAttributes.get(CadenzaStatusKey);
      return typeof value === 'string' ? value : description.status.name.toLowerCase();
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return null;
      throw error;
    }
  }

  private async count(query: string): Promise<number> {
    const { client } = this.options;
    try {
      const response = await client.workflowService.countWorkflowExecutions({ namespace: client.options.namespace, query: selectionQuery(query) });
      return Number(response.count ?? 0);
    } catch (error) {
      if (isGrpcServiceError(error) && (error.code as number) === GRPC_INVALID_ARGUMENT) throw new BulkQueryInvalid(error.details || error.message);
      throw error;
    }
  }
}

/** A caller's visibility query, limited to running Cadenza executions. */
export function selectionQuery(query: string): string {
  return `WorkflowType = '${INTERPRETER_WORKFLOW_TYPE}' AND ExecutionStatus = 'Running' AND (${query})`;
}
