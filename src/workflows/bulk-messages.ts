/**
 * Shapes and messages of bulk operations (docs/design.md §9): one `cadenzaBulk` workflow applies one
 * command (pause, resume, cancel) to many executions, named by ids or selected by a visibility query.
 */
import { defineQuery } from '@temporalio/workflow';

/** Workflow type of bulk operations. */
export const BULK_WORKFLOW_TYPE = 'cadenzaBulk';

/** What a bulk operation does to each execution. */
export type BulkAction = 'pause' | 'resume' | 'cancel';

/** A bulk operation as it is started; `state` is carried by continue-as-new. */
export interface BulkInput {
  bulk_id: string;
  action: BulkAction;
  /** The command body of each execution (pause: `{reason, mode}`, resume: `{mode, tasks, context, reason}`). */
  command: Record<string, unknown>;
  ids?: string[];
  /** A Temporal visibility query (already limited to Cadenza executions). */
  query?: string;
  /** Most commands per second. */
  rate_per_s: number;
  /** Who asked: the actor (and roles) of every command. */
  actor: string;
  roles: string[];
  requested_at: string;
  state?: BulkSnapshot;
}

/** What happened to one execution. */
export interface BulkOutcome {
  execution_id: string;
  ok: boolean;
  /** The execution's status after the command, when it answered one. */
  status?: string | null;
  /** Why the command was refused or failed. */
  problem?: { type: string; status: number; detail: string };
}

/** The state of a bulk operation, as JSON. */
export interface BulkSnapshot {
  phase: 'selecting' | 'running' | 'completed';
  targets: string[];
  /** Index in `targets` of the next execution to apply to. */
  next: number;
  outcomes: BulkOutcome[];
  succeeded: number;
  failed: number;
  page_token: string | null;
  finished_at: string | null;
}

/** Arguments of the progress query: a page of outcomes. */
export interface BulkProgressArgs {
  offset?: number;
  limit?: number;
  failed_only?: boolean;
}

/** Answer of `GET /api/v1/bulk/{bulk_id}`. */
export interface BulkProgress {
  bulk_id: string;
  action: BulkAction;
  phase: BulkSnapshot['phase'];
  /** Executions selected so far (final once `phase` is running). */
  total: number;
  done: number;
  succeeded: number;
  failed: number;
  rate_per_s: number;
  requested_by: string;
  requested_at: string;
  finished_at: string | null;
  outcomes: BulkOutcome[];
  /** True when outcomes after this page exist. */
  has_more: boolean;
}

/** Progress and a page of per-execution outcomes. */
export const bulkProgressQuery = defineQuery<BulkProgress, [args?: BulkProgressArgs]>('bulkProgress');
