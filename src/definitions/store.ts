/**
 * API-side access to the definitions registry (`cadenzaRegistry`, src/workflows/registry.ts).
 *
 * Durability and sharing come from Temporal: every API node talks to the same registry workflow, and
 * it survives restarts of the API, the worker and the Temporal dev server (its SQLite file).
 *
 * Cache (per process):
 * - A given version never changes once stored, so `(id, version)` lookups are cached without expiry
 *   (bounded in size).
 * - "Latest" lookups and the listing are cached for `cacheTtlMs` (default 2 s). A put on this node
 *   refreshes them at once (read-your-writes on this node); a put on another node is visible here
 *   within the TTL. Unknown ids are never cached, so a newly registered definition is visible
 *   everywhere immediately.
 */
import { type Client, WithStartWorkflowOperation, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { DefinitionInvalid, VersionConflict } from '../errors/problems';
import { DEFAULT_WORKER_DEADLINE_MS, withWorkerDeadline } from '../temporal/worker-deadline';
import type { cadenzaRegistry } from '../workflows/registry';
import {
  type DefinitionSummary,
  getDefinitionQuery,
  listDefinitionsQuery,
  PutOutcome,
  type PutDefinitionResult,
  putDefinitionUpdate,
  REGISTRY_WORKFLOW_ID,
  REGISTRY_WORKFLOW_TYPE,
  RegistryFailureType,
  type RegistryInput,
  type StoredDefinition,
  type VersionConflictDetails,
} from '../workflows/registry-messages';
import type { Definition } from './schema';

export interface DefinitionStoreOptions {
  client: Client;
  /** Task queue the registry runs on (the Cadenza task queue). */
  taskQueue: string;
  /** Registry workflow id; tests use their own to stay isolated. */
  workflowId?: string;
  /** How long "latest" and listing answers are reused (ms). 0 disables that cache. */
  cacheTtlMs?: number;
  /** Bound of each registry query or update (ms); past it the call fails with `worker_unavailable`. */
  deadlineMs?: number;
  /** Input of the registry when a put creates it. */
  registryInput?: RegistryInput;
}

const DEFAULT_CACHE_TTL_MS = 2000;
const MAX_CACHED_VERSIONS = 1000;

interface Timed<T> {
  value: T;
  expiresAt: number;
}

/** Reads and writes definitions in the registry workflow. */
export class DefinitionStore {
  readonly workflowId: string;
  private readonly client: Client;
  private readonly taskQueue: string;
  private readonly cacheTtlMs: number;
  private readonly deadlineMs: number;
  private readonly registryInput: RegistryInput;
  private readonly versions = new Map<string, StoredDefinition>();
  private readonly latest = new Map<string, Timed<StoredDefinition>>();
  private listing: Timed<DefinitionSummary[]> | undefined;

  constructor(options: DefinitionStoreOptions) {
    this.client = options.client;
    this.taskQueue = options.taskQueue;
    this.workflowId = options.workflowId ?? REGISTRY_WORKFLOW_ID;
    this.cacheTtlMs = options.cacheTtlMs ?? DEFAULT_CACHE_TTL_MS;
    this.deadlineMs = options.deadlineMs ?? DEFAULT_WORKER_DEADLINE_MS;
    this.registryInput = options.registryInput ?? {};
  }

  /**
   * Stores a definition that already passed validation. Creates the registry on first use
   * (update-with-start). Throws `VersionConflict` when the version exists with another body or is
   * below the latest, `WorkerUnavailable` when no worker answers.
   */
  async put(definition: Definition): Promise<PutDefinitionResult> {
    const startWorkflowOperation = new WithStartWorkflowOperation<typeof cadenzaRegistry>(REGISTRY_WORKFLOW_TYPE, {
      workflowId: this.workflowId,
      taskQueue: this.taskQueue,
      workflowIdConflictPolicy: 'USE_EXISTING',
      args: [this.registryInput],
    });
    let result: PutDefinitionResult;
    try {
      result = await withWorkerDeadline(this.client, this.deadlineMs, 'the definitions registry', () =>
        this.client.workflow.executeUpdateWithStart(putDefinitionUpdate, { args: [{ definition }], startWorkflowOperation }),
      );
    } catch (error) {
      throw translateRejection(error);
    }
    this.remember(result.stored);
    if (result.outcome === PutOutcome.Created) {
      this.latest.set(definition.id, { value: result.stored, expiresAt: this.expiry() });
      this.listing = undefined;
    }
    return result;
  }

  /** One version, or the latest when `version` is omitted; `undefined` when unknown. */
  async get(id: string, version?: number): Promise<StoredDefinition | undefined> {
    if (version !== undefined) {
      const cached = this.versions.get(versionKey(id, version));
      if (cached) return cached;
    } else {
      const cached = this.latest.get(id);
      if (cached && cached.expiresAt > Date.now()) return cached.value;
    }
    const stored = await this.query('a definition lookup', async (handle) => handle.query(getDefinitionQuery, id, version), null);
    if (!stored) return undefined;
    this.remember(stored);
    if (version === undefined && this.cacheTtlMs > 0) this.latest.set(id, { value: stored, expiresAt: this.expiry() });
    return stored;
  }

  /** The latest version of every definition, sorted by id. */
  async list(): Promise<DefinitionSummary[]> {
    if (this.listing && this.listing.expiresAt > Date.now()) return this.listing.value;
    const summaries = await this.query('a definitions listing', async (handle) => handle.query(listDefinitionsQuery), []);
    if (this.cacheTtlMs > 0) this.listing = { value: summaries, expiresAt: this.expiry() };
    return summaries;
  }

  /** Runs a registry query; a registry that does not exist yet is an empty one. */
  private async query<T>(what: string, fn: (handle: ReturnType<Client['workflow']['getHandle']>) => Promise<T>, whenMissing: T): Promise<T> {
    const handle = this.client.workflow.getHandle(this.workflowId);
    try {
      return await withWorkerDeadline(this.client, this.deadlineMs, what, () => fn(handle));
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return whenMissing;
      throw error;
    }
  }

  private remember(stored: StoredDefinition): void {
    if (this.versions.size >= MAX_CACHED_VERSIONS) {
      // Maps iterate in insertion order: drop the oldest entry.
      const oldest = this.versions.keys().next();
      if (!oldest.done) this.versions.delete(oldest.value);
    }
    this.versions.set(versionKey(stored.definition.id, stored.definition.version), stored);
  }

  private expiry(): number {
    return Date.now() + this.cacheTtlMs;
  }
}

function versionKey(id: string, version: number): string {
  return `${id}@${version}`;
}

/** Turns the registry validator's refusals into problems; anything else passes through. */
function translateRejection(error: unknown): unknown {
  if (!(error instanceof WorkflowUpdateFailedError) || !(error.cause instanceof ApplicationFailure)) return error;
  const failure = error.cause;
  if (failure.type === RegistryFailureType.VersionConflict) {
    const details = failure.details?.[0] as VersionConflictDetails | undefined;
    return new VersionConflict(details?.id ?? '', details?.version ?? 0, details?.latest_version ?? null, failure.message);
  }
  if (failure.type === RegistryFailureType.InvalidRequest) {
    return new DefinitionInvalid([{ path: '', message: failure.message }]);
  }
  return error;
}
