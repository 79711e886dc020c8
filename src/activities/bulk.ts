/**
 * Activities of bulk operations (docs/design.md §9): a page of a visibility query, and one batch of
 * commands applied through the same services as REST (`ExecutionCommandService`, `cancelExecution`),
 * at most `rate_per_s` a second. A batch heartbeats the outcomes it has; a retried batch (worker
 * crash) starts after them. Each command's update id is derived from the bulk id, so one that was in
 * flight at the crash is answered again by Temporal rather than applied twice.
 */
import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { ApiProblem } from '../errors/problems';
import { cancelExecution } from '../executions/cancel-execution';
import { type CommandCaller, ExecutionCommandService } from '../executions/command-service';
import type { BulkAction, BulkOutcome } from '../workflows/bulk-messages';

/** One batch of a bulk operation. */
export interface BulkApplyRequest {
  bulk_id: string;
  action: BulkAction;
  command: Record<string, unknown>;
  actor: string;
  roles: string[];
  ids: string[];
  rate_per_s: number;
}

/** Commands in flight at once within a batch. */
const MAX_CONCURRENCY = 16;

/** How often a command answered 503 is tried again. */
const TRANSIENT_RETRIES = 5;

/** Builds the bulk activities over `client`. */
export function createBulkActivities(client: Client) {
  const commands = new ExecutionCommandService({ client });

  /** Applies to one execution; a 503 (no worker answered in time, Temporal unreachable) is tried again before it counts. */
  async function applyOne(request: BulkApplyRequest, id: string): Promise<BulkOutcome> {
    let outcome = await applyOnce(request, id);
    for (let attempt = 1; attempt <= TRANSIENT_RETRIES && outcome.problem?.status === 503; attempt++) {
      await Context.current().sleep(attempt * 1000);
      outcome = await applyOnce(request, id);
    }
    return outcome;
  }

  async function applyOnce(request: BulkApplyRequest, id: string): Promise<BulkOutcome> {
    const caller: CommandCaller = { actor: request.actor, roles: request.roles };
    const options = { idempotencyKey: `bulk:${request.bulk_id}` };
    try {
      if (request.action === 'cancel') return { execution_id: id, ok: true, status: await cancelExecution(client, id) };
      if (request.action === 'pause') return { execution_id: id, ok: true, status: (await commands.pause(id, request.command, caller, options)).status };
      const result = await commands.resume(id, request.command, caller, options);
      return { execution_id: id, ok: true, status: result.status.status };
    } catch (error) {
      if (error instanceof ApiProblem) return { execution_id: id, ok: false, problem: { type: error.type, status: error.status, detail: error.detail } };
      const detail = error instanceof Error ? error.message : String(error);
      return { execution_id: id, ok: false, problem: { type: 'https://cadenza.dev/problems/internal', status: 500, detail } };
    }
  }

  return {
    /** One page of executions matching `query`; the token is opaque. */
    async bulkSelectPage(request: { query: string; page_token: string | null }): Promise<{ ids: string[]; next_page_token: string | null }> {
      const response = await client.workflowService.listWorkflowExecutions({
        namespace: client.options.namespace,
        query: request.query,
        pageSize: 1000,
        ...(request.page_token !== null && { nextPageToken: Buffer.from(request.page_token, 'base64') }),
      });
      const ids = response.executions.flatMap((e) => (e.execution?.workflowId ? [e.execution.workflowId] : []));
      const token = response.nextPageToken;
      return { ids, next_page_token: token && token.length > 0 ? Buffer.from(token).toString('base64') : null };
    },

    /** Applies the command to `ids`, in order, at most `rate_per_s` a second; one outcome per id. */
    async bulkApply(request: BulkApplyRequest): Promise<BulkOutcome[]> {
      const ctx = Context.current();
      const earlier = ctx.info.heartbeatDetails as BulkOutcome[] | undefined;
      const outcomes: Array<BulkOutcome | undefined> = Array.isArray(earlier) ? [...earlier] : [];
      const start = outcomes.length;
      const interval = 1000 / Math.max(request.rate_per_s, 0.001);
      const began = Date.now();
      let nextIndex = start;
      let lastBeat = 0;
      const beat = () => {
        const done: BulkOutcome[] = [];
        for (const o of outcomes) {
          if (o === undefined) break;
          done.push(o);
        }
        ctx.heartbeat(done);
      };
      const lane = async () => {
        while (nextIndex < request.ids.length) {
          const index = nextIndex++;
          const due = began + (index - start) * interval;
          if (due > Date.now()) await ctx.sleep(due - Date.now());
          outcomes[index] = await applyOne(request, request.ids[index] ?? '');
          if (Date.now() - lastBeat > 1000) {
            lastBeat = Date.now();
            beat();
          }
        }
      };
      const lanes = Math.max(1, Math.min(MAX_CONCURRENCY, Math.ceil(request.rate_per_s / 10), request.ids.length - start));
      await Promise.all(Array.from({ length: lanes }, () => lane()));
      beat();
      return outcomes.filter((o): o is BulkOutcome => o !== undefined);
    },
  };
}
