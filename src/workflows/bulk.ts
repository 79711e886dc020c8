/**
 * The bulk operation workflow (docs/design.md §9): selects its executions (the ids it was given, or
 * page after page of a visibility query, fixed before anything is applied), then applies its command
 * to them in batches, each batch one activity that keeps to the rate limit and heartbeats its
 * progress, so a worker or API restart loses nothing and applies nothing twice. The progress query
 * answers counts and per-execution outcomes at any time, also after the end.
 */
import { continueAsNew, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { CadenzaActivities } from '../activities';
import { type BulkInput, type BulkProgress, type BulkProgressArgs, bulkProgressQuery, type BulkSnapshot } from './bulk-messages';

/** Most executions per apply activity; a batch is about one second's worth at the rate, so progress moves every second. */
export const BULK_BATCH = 200;

/** Most executions one bulk operation selects. */
export const MAX_BULK_TARGETS = 100_000;

/** Outcomes one progress page holds at most. */
const MAX_PAGE = 1000;

const { bulkSelectPage } = proxyActivities<CadenzaActivities>({ startToCloseTimeout: '1 minute', retry: { maximumInterval: '10s' } });
const { bulkApply } = proxyActivities<CadenzaActivities>({
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '30s',
  retry: { initialInterval: '1s', maximumInterval: '10s' },
});

/** Runs one bulk operation to its end. */
export async function cadenzaBulk(input: BulkInput): Promise<BulkProgress> {
  const state: BulkSnapshot = input.state ?? {
    phase: input.ids !== undefined ? 'running' : 'selecting',
    targets: input.ids !== undefined ? [...new Set(input.ids)] : [],
    next: 0,
    outcomes: [],
    succeeded: 0,
    failed: 0,
    page_token: null,
    finished_at: null,
  };
  setHandler(bulkProgressQuery, (args?: BulkProgressArgs) => progress(input, state, args));

  while (state.phase === 'selecting') {
    const page = await bulkSelectPage({ query: input.query ?? '', page_token: state.page_token });
    for (const id of page.ids) if (state.targets.length < MAX_BULK_TARGETS) state.targets.push(id);
    state.page_token = page.next_page_token;
    if (state.page_token === null || state.targets.length >= MAX_BULK_TARGETS) state.phase = 'running';
    await continueIfLong(input, state);
  }
  const batch = Math.max(1, Math.min(BULK_BATCH, Math.ceil(input.rate_per_s)));
  while (state.next < state.targets.length) {
    const ids = state.targets.slice(state.next, state.next + batch);
    const outcomes = await bulkApply({ bulk_id: input.bulk_id, action: input.action, command: input.command, actor: input.actor, roles: input.roles, ids, rate_per_s: input.rate_per_s });
    for (const outcome of outcomes) {
      state.outcomes.push(outcome);
      if (outcome.ok) state.succeeded += 1;
      else state.failed += 1;
    }
    state.next += ids.length;
    await continueIfLong(input, state);
  }
  state.phase = 'completed';
  state.finished_at = new Date().toISOString();
  return progress(input, state, { limit: 0 });
}

async function continueIfLong(input: BulkInput, state: BulkSnapshot): Promise<void> {
  if (workflowInfo().continueAsNewSuggested) await continueAsNew<typeof cadenzaBulk>({ ...input, state });
}

function progress(input: BulkInput, state: BulkSnapshot, args: BulkProgressArgs = {}): BulkProgress {
  const offset = Number.isInteger(args.offset) && (args.offset ?? 0) > 0 ? (args.offset ?? 0) : 0;
  const limit = Number.isInteger(args.limit) && (args.limit ?? -1) >= 0 ? Math.min(args.limit ?? 0, MAX_PAGE) : 100;
  const listed = args.failed_only === true ? state.outcomes.filter((o) => !o.ok) : state.outcomes;
  return {
    bulk_id: input.bulk_id,
    action: input.action,
    phase: state.phase,
    total: state.targets.length,
    done: state.outcomes.length,
    succeeded: state.succeeded,
    failed: state.failed,
    rate_per_s: input.rate_per_s,
    requested_by: input.actor,
    requested_at: input.requested_at,
    finished_at: state.finished_at,
    outcomes: listed.slice(offset, offset + limit),
    has_more: offset + limit < listed.length,
  };
}
