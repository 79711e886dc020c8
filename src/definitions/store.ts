/**
 * API-side access to the definitions: one `cadenzaDefinition` entity workflow per definition id
 * (src/workflows/definition-entity.ts), `<registryId>/<definitionId>`, and the listing from
 * visibility (./definition-listing.ts). Durability and sharing come from Temporal: every API node
 * talks to the same entities, and they survive restarts of the API, the worker and the dev server.
 *
 * Before its first operation a store moves the definitions of a single registry workflow of an
 * earlier version (`<registryId>` itself, `cadenzaRegistry`) into entities (./legacy-migration.ts).
 *
 * Cache (per process):
 * - A given version never changes once stored, so `(id, version)` lookups are cached without expiry
 *   (bounded in size).
 * - "Latest" lookups are cached for `cacheTtlMs` (default 2 s); a put on this node refreshes them at
 *   once. Unknown ids are never cached, so a new definition is visible everywhere immediately.
 * - The listing reads visibility, which shows a put after a moment: this node merges in the
 *   summaries it stored in the last `RECENT_MS` (read-your-writes on this node). One scan of
 *   visibility serves the pages after it for `SCAN_REUSE_MS`, so paging through everything costs
 *   one scan (a page seen later than that scans again from its token).
 */
import { type Client, WithStartWorkflowOperation, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { LRUCache } from 'lru-cache';
import { DefinitionInvalid, VersionConflict } from '../errors/problems';
import { DefinitionTooLarge, VersionLimitReached } from '../errors/registry-problems';
import { DEFAULT_WORKER_DEADLINE_MS, withServerDeadline, withWorkerDeadline } from '../temporal/worker-deadline';
import type { cadenzaDefinition } from '../workflows/definition-entity';
import {
  DEFINITION_WORKFLOW_TYPE,
  type DefinitionEntityLimits,
  definitionEntityId,
  getArchivedVersionQuery,
  getVersionQuery,
  MAX_DEFINITION_BYTES,
  putVersionUpdate,
} from '../workflows/definition-entity-messages';
import {
  type DefinitionSummary,
  PutOutcome,
  type PutDefinitionResult,
  REGISTRY_WORKFLOW_ID,
  RegistryFailureType,
  type StoredDefinition,
  type VersionConflictDetails,
} from '../workflows/registry-messages';
import { CadenzaRegistryKey, CadenzaWorkflowIdKey } from '../workflows/search-attributes';
import { triggerEventsOf } from '../workflows/trigger-events';
import { type DefinitionPage, type DefinitionPageRequest, DEFAULT_DEFINITIONS_PAGE, idAfterToken, pageOf, scanDefinitions, scanTriggered } from './definition-listing';
import { assertDefinitionSize } from './definition-size';
import { type MigrationLogger, type MigrationReport, migrateLegacyRegistry } from './legacy-migration';
import type { Definition } from './schema';

export interface DefinitionStoreOptions {
  client: Client;
  /** Task queue the entities run on (the Cadenza task queue). */
  taskQueue: string;
  /**
   * The registry: prefix of the entity ids, value of `CadenzaRegistry`, and the id of the single
   * registry workflow of earlier versions to migrate. Tests use their own to stay isolated.
   */
  registryId?: string;
  /** How long "latest" answers are reused (ms). 0 disables that cache. */
  cacheTtlMs?: number;
  /** Bound of each entity query or update (ms); past it the call fails with `worker_unavailable`. */
  deadlineMs?: number;
  /** Bounds of the entities a put creates (tests lower them). */
  entityLimits?: Partial<DefinitionEntityLimits>;
  /** Where the migration reports. */
  logger?: MigrationLogger;
}

const DEFAULT_CACHE_TTL_MS = 2000;
const MAX_CACHED_VERSIONS = 1000;
/** How long this node merges its own puts into listings (visibility shows them within a second). */
const RECENT_MS = 10_000;
/** How long a listing scan serves the following pages. */
const SCAN_REUSE_MS = 5_000;

interface Timed<T> {
  value: T;
  expiresAt: number;
}

/** Reads and writes definitions in their entity workflows. */
export class DefinitionStore {
  readonly registryId: string;
  private readonly client: Client;
  private readonly taskQueue: string;
  private readonly cacheTtlMs: number;
  private readonly deadlineMs: number;
  private readonly entityLimits: Partial<DefinitionEntityLimits> | undefined;
  private readonly logger: MigrationLogger | undefined;
  private readonly versions = new LRUCache<string, StoredDefinition>({ max: MAX_CACHED_VERSIONS });
  private readonly latest = new Map<string, Timed<StoredDefinition>>();
  private readonly recent = new Map<string, Timed<DefinitionSummary>>();
  private migration: Promise<MigrationReport> | undefined;
  /** The last listing scan: every entity after `after`, by id. */
  private scan: Timed<{ after: string | undefined; sorted: DefinitionSummary[] }> | undefined;

  constructor(options: DefinitionStoreOptions) {
    this.client = options.client;
    this.taskQueue = options.taskQueue;
    this.registryId = options.registryId ?? REGISTRY_WORKFLOW_ID;
    this.cacheTtlMs = options.cacheTtlMs ?? DEFAULT_CACHE_TTL_MS;
    this.deadlineMs = options.deadlineMs ?? DEFAULT_WORKER_DEADLINE_MS;
    this.entityLimits = options.entityLimits;
    this.logger = options.logger;
  }

  /**
   * Moves the definitions of an earlier version's single registry into entities, once per process
   * (a failed attempt is tried again by the next operation). Idempotent across processes too.
   */
  migrated(): Promise<MigrationReport> {
    this.migration ??= migrateLegacyRegistry({
      client: this.client,
      legacyId: this.registryId,
      deadlineMs: this.deadlineMs,
      importVersion: async (stored) => (await this.write(stored.definition, stored.registered_at)).outcome,
      ...(this.logger ? { logger: this.logger } : {}),
    }).catch((error: unknown) => {
      this.migration = undefined;
      throw error;
    });
    return this.migration;
  }

  /**
   * Stores a definition that already passed validation, creating its entity on first use
   * (update-with-start). Throws `DefinitionTooLarge`, `VersionConflict` (the version exists with
   * another body or is below the latest), `VersionLimitReached`, `WorkerUnavailable`.
   */
  async put(definition: Definition): Promise<PutDefinitionResult> {
    await this.migrated();
    return this.write(definition);
  }

  /** One version, or the latest when `version` is omitted; `undefined` when unknown. */
  async get(id: string, version?: number): Promise<StoredDefinition | undefined> {
    await this.migrated();
    if (version !== undefined) {
      const cached = this.versions.get(versionKey(id, version));
      if (cached) return cached;
    } else {
      const cached = this.latest.get(id);
      if (cached && cached.expiresAt > Date.now()) return cached.value;
    }
    const handle = this.client.workflow.getHandle(definitionEntityId(this.registryId, id));
    let answer = await this.ask('a definition lookup', () => handle.query(getVersionQuery, version));
    if (answer && 'archived_in' in answer) {
      const archive = this.client.workflow.getHandle(answer.archived_in);
      const archivedVersion = answer.version;
      answer = await this.ask('an archived definition lookup', () => archive.query(getArchivedVersionQuery, archivedVersion));
    }
    if (!answer) return undefined;
    this.versions.set(versionKey(id, answer.definition.version), answer);
    if (version === undefined && this.cacheTtlMs > 0) this.latest.set(id, { value: answer, expiresAt: Date.now() + this.cacheTtlMs });
    return answer;
  }

  /** A page of the latest version of every definition, in id order (docs: ./definition-listing.ts). */
  async list(request: Partial<DefinitionPageRequest> = {}): Promise<DefinitionPage> {
    await this.migrated();
    const now = Date.now();
    for (const [id, entry] of this.recent) if (entry.expiresAt <= now) this.recent.delete(id);
    const recent = [...this.recent.values()].map((entry) => entry.value);
    const page = { limit: request.limit ?? DEFAULT_DEFINITIONS_PAGE, pageToken: request.pageToken };
    const after = page.pageToken === undefined ? undefined : idAfterToken(page.pageToken);
    // A scan of a few seconds ago that covered this page's ids serves it (pages in a row cost one scan).
    const scan = this.scan;
    if (scan && scan.expiresAt > now && (scan.value.after === undefined || (after !== undefined && after >= scan.value.after))) {
      return pageOf(scan.value.sorted, page, recent);
    }
    const sorted = await withServerDeadline(this.client, this.deadlineMs, 'Temporal visibility', () => scanDefinitions(this.client, this.registryId, after));
    if (this.cacheTtlMs > 0) this.scan = { value: { after, sorted }, expiresAt: Date.now() + SCAN_REUSE_MS };
    return pageOf(sorted, page, recent);
  }

  /**
   * The latest version of every definition one of whose `triggers` is `event` (docs/design.md §9):
   * one visibility query on `CadenzaTriggerEvents`, plus this node's puts of the last `RECENT_MS`
   * that visibility may not show yet.
   */
  async triggeredBy(event: string): Promise<StoredDefinition[]> {
    await this.migrated();
    const ids = new Set(await withServerDeadline(this.client, this.deadlineMs, 'Temporal visibility', () => scanTriggered(this.client, this.registryId, event)));
    const now = Date.now();
    for (const [id, entry] of this.recent) if (entry.expiresAt > now) ids.add(id);
    const stored = await Promise.all([...ids].map((id) => this.get(id)));
    return stored.filter((s): s is StoredDefinition => s !== undefined && triggerEventsOf(s.definition).includes(event));
  }

  /** Sends the put to the definition's entity. */
  private async write(definition: Definition, registeredAt?: string): Promise<PutDefinitionResult> {
    assertDefinitionSize(definition);
    const workflowId = definitionEntityId(this.registryId, definition.id);
    const startWorkflowOperation = new WithStartWorkflowOperation<typeof cadenzaDefinition>(DEFINITION_WORKFLOW_TYPE, {
      workflowId,
      taskQueue: this.taskQueue,
      workflowIdConflictPolicy: 'USE_EXISTING',
      args: [{ registry_id: this.registryId, definition_id: definition.id, ...(this.entityLimits ? { limits: this.entityLimits } : {}) }],
      typedSearchAttributes: [
        { key: CadenzaRegistryKey, value: this.registryId },
        { key: CadenzaWorkflowIdKey, value: definition.id },
      ],
    });
    let result: PutDefinitionResult;
    try {
      result = await withWorkerDeadline(this.client, this.deadlineMs, 'the definition entity', () =>
        this.client.workflow.executeUpdateWithStart(putVersionUpdate, { args: [{ definition, ...(registeredAt ? { registered_at: registeredAt } : {}) }], startWorkflowOperation }),
      );
    } catch (error) {
      throw translateRejection(error, definition.id);
    }
    const { stored } = result;
    this.versions.set(versionKey(definition.id, stored.definition.version), stored);
    const latest = this.latest.get(definition.id)?.value;
    if (result.outcome === PutOutcome.Created && stored.definition.version >= (latest?.definition.version ?? 0)) {
      this.latest.set(definition.id, { value: stored, expiresAt: Date.now() + this.cacheTtlMs });
      this.remember(stored);
    }
    return result;
  }

  /** Merges a put of this node into the listings of the next `RECENT_MS`. */
  private remember(stored: StoredDefinition): void {
    const { definition } = stored;
    const before = this.recent.get(definition.id)?.value;
    const versions = [...new Set([...(before?.versions ?? []), definition.version])].sort((a, b) => a - b);
    const summary: DefinitionSummary = {
      id: definition.id,
      version: definition.version,
      name: definition.name ?? null,
      description: definition.description ?? null,
      versions,
      registered_at: stored.registered_at,
    };
    this.recent.set(definition.id, { value: summary, expiresAt: Date.now() + RECENT_MS });
  }

  /** Runs an entity or archive query; a workflow that does not exist holds nothing. */
  private async ask<T>(what: string, fn: () => Promise<T | null>): Promise<T | null> {
    try {
      return await withWorkerDeadline(this.client, this.deadlineMs, what, fn);
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return null;
      throw error;
    }
  }
}

function versionKey(id: string, version: number): string {
  return `${id}@${version}`;
}

/** Turns the entity validator's refusals into problems; anything else passes through. */
function translateRejection(error: unknown, id: string): unknown {
  if (!(error instanceof WorkflowUpdateFailedError) || !(error.cause instanceof ApplicationFailure)) return error;
  const failure = error.cause;
  switch (failure.type) {
    case RegistryFailureType.VersionConflict: {
      const details = failure.details?.[0] as VersionConflictDetails | undefined;
      return new VersionConflict(details?.id ?? id, details?.version ?? 0, details?.latest_version ?? null, failure.message);
    }
    case RegistryFailureType.VersionLimitReached:
      return new VersionLimitReached(id, failure.message);
    case RegistryFailureType.DefinitionTooLarge:
      return new DefinitionTooLarge(id, MAX_DEFINITION_BYTES + 1, MAX_DEFINITION_BYTES);
    case RegistryFailureType.InvalidRequest:
      return new DefinitionInvalid([{ path: '', message: failure.message }]);
    default:
      return error;
  }
}
