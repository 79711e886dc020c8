/**
 * The definitions listing (`GET /api/v1/workflows`), read from Temporal visibility: every running
 * `cadenzaDefinition` entity of a registry carries its summary in its memo, and its definition id in
 * `CadenzaWorkflowId`. Pages are in id order, and a page token is the last id of its page: the next
 * page asks visibility for ids after it (`CadenzaWorkflowId > 'last'`). SQL visibility cannot sort by
 * a custom attribute, so a scan reads every entity after the token and sorts them
 * (`scanDefinitions()`), and a page is the `limit` smallest (`pageOf()`); the store reuses a scan for
 * the pages that follow it. The order is stable whatever is registered or continues as new
 * meanwhile, and no id is skipped or repeated across pages.
 */
import type { Client } from '@temporalio/client';
import { ValidationFailed } from '../errors/problems';
import { visibilityLiteral as quote } from '../temporal/visibility-literal';
import { DEFINITION_WORKFLOW_TYPE, SUMMARY_MEMO_KEY } from '../workflows/definition-entity-messages';
import type { DefinitionSummary } from '../workflows/registry-messages';
import { DefinitionIdSchema } from './schema';

/** A page of the listing. */
export interface DefinitionPage {
  items: DefinitionSummary[];
  /** Pass back as `page_token` for the next page; `null` on the last page. */
  next_page_token: string | null;
}

/** What to list. */
export interface DefinitionPageRequest {
  limit: number;
  pageToken?: string | undefined;
}

/** Default and largest page of the API. */
export const DEFAULT_DEFINITIONS_PAGE = 100;
export const MAX_DEFINITIONS_PAGE = 500;

/** Entities per visibility page: each memo is at most a few KB (name ≤ 200, description ≤ 5,000, ≤ 1,000 versions). */
const VISIBILITY_PAGE_SIZE = 200;
const TOKEN_PREFIX = 'after:';

/** The page token that continues after `id`. */
export function pageTokenAfter(id: string): string {
  return Buffer.from(TOKEN_PREFIX + id, 'utf8').toString('base64url');
}

/** The id a page token continues after; `ValidationFailed` on a token this listing did not issue. */
export function idAfterToken(token: string): string {
  const text = Buffer.from(token, 'base64url').toString('utf8');
  const id = text.startsWith(TOKEN_PREFIX) ? text.slice(TOKEN_PREFIX.length) : '';
  if (!DefinitionIdSchema.safeParse(id).success || pageTokenAfter(id) !== token) {
    throw new ValidationFailed([{ path: 'query.page_token', message: 'is not a next_page_token this endpoint returned' }]);
  }
  return id;
}

/** The visibility query of a registry's entities with an id after `after`. */
export function listingQuery(registryId: string, after: string | undefined): string {
  const clauses = [`WorkflowType = ${quote(DEFINITION_WORKFLOW_TYPE)}`, `ExecutionStatus = 'Running'`, `CadenzaRegistry = ${quote(registryId)}`];
  if (after !== undefined) clauses.push(`CadenzaWorkflowId > ${quote(after)}`);
  return clauses.join(' AND ');
}

/** The visibility query of a registry's entities whose latest version starts on `event` (`CadenzaTriggerEvents`). */
export function triggeredQuery(registryId: string, event: string): string {
  return [listingQuery(registryId, undefined), `CadenzaTriggerEvents = ${quote(event)}`].join(' AND ');
}

/** The ids of the definitions of `registryId` whose latest version starts on `event`, from visibility. */
export async function scanTriggered(client: Client, registryId: string, event: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const execution of client.workflow.list({ query: triggeredQuery(registryId, event), pageSize: VISIBILITY_PAGE_SIZE })) {
    const summary = summaryOf(execution.memo?.[SUMMARY_MEMO_KEY]);
    if (summary) ids.push(summary.id);
  }
  return ids;
}

/**
 * Every entity after the token, sorted by id (the scan `listDefinitionPage()` makes, kept whole): a
 * store reuses it for a few seconds, so a client paging through everything pays for one scan.
 */
export async function scanDefinitions(client: Client, registryId: string, after: string | undefined): Promise<DefinitionSummary[]> {
  const all = new SmallestById(Number.MAX_SAFE_INTEGER);
  for await (const execution of client.workflow.list({ query: listingQuery(registryId, after), pageSize: VISIBILITY_PAGE_SIZE })) {
    const summary = summaryOf(execution.memo?.[SUMMARY_MEMO_KEY]);
    if (summary) all.offer(summary);
  }
  return all.sorted();
}

/** The page of `sorted` (by id) after `after`, with `recent` merged in. */
export function pageOf(sorted: readonly DefinitionSummary[], request: DefinitionPageRequest, recent: readonly DefinitionSummary[] = []): DefinitionPage {
  const after = request.pageToken === undefined ? undefined : idAfterToken(request.pageToken);
  const smallest = new SmallestById(request.limit + 1);
  for (const summary of [...recent, ...sorted]) if (after === undefined || summary.id > after) smallest.offer(summary);
  const found = smallest.sorted();
  const items = found.slice(0, request.limit);
  const last = items.at(-1);
  return { items, next_page_token: found.length > request.limit && last ? pageTokenAfter(last.id) : null };
}

/** The `capacity` summaries with the smallest ids seen, one per id (the highest version). */
export class SmallestById {
  private readonly items: DefinitionSummary[] = [];
  constructor(private readonly capacity: number) {}

  /** Keeps `summary` if its id is among the smallest seen (or is seen with a higher version). */
  offer(summary: DefinitionSummary): void {
    const { items } = this;
    let low = 0;
    let high = items.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (items[mid]!.id < summary.id) low = mid + 1;
      else high = mid;
    }
    const same = items[low];
    if (same?.id === summary.id) {
      if (summary.version > same.version) items[low] = summary;
      return;
    }
    if (low >= this.capacity) return;
    items.splice(low, 0, summary);
    if (items.length > this.capacity) items.pop();
  }

  /** What is kept, by id. */
  sorted(): DefinitionSummary[] {
    return [...this.items];
  }
}

/** A memo value as a summary; `undefined` for an entity without a version yet, or a foreign memo. */
function summaryOf(value: unknown): DefinitionSummary | undefined {
  const s = value as Partial<DefinitionSummary> | null | undefined;
  if (typeof s?.id !== 'string' || typeof s.version !== 'number' || !Array.isArray(s.versions) || typeof s.registered_at !== 'string') return undefined;
  return { id: s.id, version: s.version, name: s.name ?? null, description: s.description ?? null, versions: s.versions, registered_at: s.registered_at };
}
