/**
 * `DefinitionVersions`: the state of one definition entity (./definition-entity.ts) — the index of
 * every version (number, date, digest, size, where its body is) and the bodies it still keeps — and
 * the rules of a put. Pure workflow state: deterministic, no Temporal calls.
 */
import type { VersionedDefinition } from '../definitions/schema';
import { type BodyFingerprint, fingerprintBody } from './definition-digest';
import type { ArchivedVersion, DefinitionEntityLimits, DefinitionEntityState, VersionEntry } from './definition-entity-messages';
import { MAX_DEFINITION_BYTES } from './definition-entity-messages';
import { assertWellFormed, conflict, registryFailure } from './definition-put-rules';
import {
  type DefinitionSummary,
  MAX_DEFINITION_VERSION,
  type PutDefinitionRequest,
  PutOutcome,
  RegistryFailureType,
  type StoredDefinition,
} from './registry-messages';

/** What a put will do (decided by `plan()`, done by `add()`). */
export type VersionPlan = (
  | { outcome: typeof PutOutcome.Unchanged; stored: StoredDefinition }
  | { outcome: typeof PutOutcome.Created; definition: VersionedDefinition; fingerprint: BodyFingerprint }
) & {
  /** Size of the request's body (what the put adds to history). */
  bytes: number;
};

/** Longest `registered_at` a migration may carry (an ISO-8601 timestamp is 24 characters). */
const MAX_TIMESTAMP_CHARS = 40;

/** The versions of one definition: ascending, unique, each immutable once stored. */
export class DefinitionVersions {
  private readonly index: VersionEntry[];
  private readonly kept = new Map<number, StoredDefinition>();
  private keptBytes = 0;

  constructor(
    readonly definitionId: string,
    state: DefinitionEntityState | undefined,
    private readonly limits: DefinitionEntityLimits,
  ) {
    this.index = (state?.versions ?? []).map((entry) => ({ ...entry }));
    for (const stored of state?.kept ?? []) this.keep(stored, this.entry(stored.definition.version)?.bytes ?? 0);
  }

  /**
   * Decides what `request` does, or throws the refusal (`InvalidRequest`, `DefinitionTooLarge`,
   * `VersionConflict`, `VersionLimitReached`):
   * - no version: unchanged when identical to the latest, otherwise latest + 1;
   * - a version that exists: unchanged when identical, a conflict otherwise;
   * - a new version: must be above the latest (versions only grow).
   */
  plan(request: PutDefinitionRequest): VersionPlan {
    assertWellFormed(request);
    const { definition } = request;
    if (definition.id !== this.definitionId) {
      throw registryFailure(RegistryFailureType.InvalidRequest, `this entity holds "${this.definitionId}", not "${definition.id}"`);
    }
    assertTimestamp(request.registered_at);
    const fingerprint = fingerprintBody(definition);
    if (fingerprint.bytes > MAX_DEFINITION_BYTES) {
      throw registryFailure(RegistryFailureType.DefinitionTooLarge, `the definition is ${fingerprint.bytes} bytes; at most ${MAX_DEFINITION_BYTES} are stored`);
    }
    const latest = this.index.at(-1);
    const requested = definition.version;
    if (requested === undefined) {
      if (latest && latest.digest === fingerprint.digest) return this.unchanged(latest, definition, fingerprint);
      const next = (latest?.version ?? 0) + 1;
      if (next > MAX_DEFINITION_VERSION) {
        throw registryFailure(RegistryFailureType.InvalidRequest, `"${definition.id}" is at version ${MAX_DEFINITION_VERSION}, the highest there is`);
      }
      return this.created({ ...definition, version: next }, fingerprint);
    }
    const existing = this.entry(requested);
    if (existing) {
      if (existing.digest === fingerprint.digest) return this.unchanged(existing, definition, fingerprint);
      throw conflict(definition.id, requested, latest?.version ?? null, `version ${requested} of "${definition.id}" exists with a different body`);
    }
    if (latest && requested < latest.version) {
      throw conflict(definition.id, requested, latest.version, `version ${requested} of "${definition.id}" is below the latest version ${latest.version}`);
    }
    return this.created({ ...definition, version: requested }, fingerprint);
  }

  /** Stores the version a `created` plan names. */
  add(plan: Extract<VersionPlan, { outcome: 'created' }>, registeredAt: string): StoredDefinition {
    const stored: StoredDefinition = { definition: plan.definition, registered_at: registeredAt };
    this.index.push({ version: plan.definition.version, registered_at: registeredAt, digest: plan.fingerprint.digest, bytes: plan.fingerprint.bytes });
    this.keep(stored, plan.fingerprint.bytes);
    return stored;
  }

  /** The latest version, or `version`: its body, the archive that holds it, or `null`. */
  get(version?: unknown): StoredDefinition | ArchivedVersion | null {
    const entry = version === undefined || version === null ? this.index.at(-1) : typeof version === 'number' ? this.entry(version) : undefined;
    if (!entry) return null;
    return this.kept.get(entry.version) ?? { version: entry.version, archived_in: entry.archive ?? '' };
  }

  /** The latest kept body (the latest is never archived). */
  latest(): StoredDefinition | undefined {
    const entry = this.index.at(-1);
    return entry ? this.kept.get(entry.version) : undefined;
  }

  /** The listing summary; `null` while there is no version. */
  summary(): DefinitionSummary | null {
    const latest = this.latest();
    if (!latest) return null;
    return {
      id: this.definitionId,
      version: latest.definition.version,
      name: latest.definition.name ?? null,
      description: latest.definition.description ?? null,
      versions: this.index.map((e) => e.version),
      registered_at: latest.registered_at,
    };
  }

  /** Whether the kept bodies are over the budget and some can move out (never the latest). */
  needsArchiving(): boolean {
    return this.keptBytes > this.limits.kept_bytes && this.kept.size > 1;
  }

  /** The oldest kept versions but the latest whose move leaves at most half the budget kept. */
  archiveCandidates(): StoredDefinition[] {
    const chunk: StoredDefinition[] = [];
    let left = this.keptBytes;
    const latest = this.index.at(-1)?.version;
    for (const [version, stored] of this.kept) {
      if (version === latest || left <= this.limits.kept_bytes / 2) break;
      chunk.push(stored);
      left -= this.entry(version)?.bytes ?? 0;
    }
    return chunk;
  }

  /** Records that `moved` now live in the archive `archiveId`, and drops their bodies. */
  archived(moved: readonly StoredDefinition[], archiveId: string): void {
    for (const stored of moved) {
      const entry = this.entry(stored.definition.version);
      if (!entry || !this.kept.delete(entry.version)) continue;
      entry.archive = archiveId;
      this.keptBytes -= entry.bytes;
    }
  }

  /** What continue-as-new carries. */
  state(): DefinitionEntityState {
    return { versions: this.index.map((e) => ({ ...e })), kept: [...this.kept.values()] };
  }

  /** Counts and sizes. */
  sizes(): { versions: number; kept_versions: number; kept_bytes: number; archives: number } {
    const archives = new Set(this.index.flatMap((e) => (e.archive ? [e.archive] : [])));
    return { versions: this.index.length, kept_versions: this.kept.size, kept_bytes: this.keptBytes, archives: archives.size };
  }

  private created(definition: VersionedDefinition, fingerprint: BodyFingerprint): VersionPlan {
    if (this.index.length >= this.limits.max_versions) {
      throw registryFailure(RegistryFailureType.VersionLimitReached, `"${this.definitionId}" has ${this.index.length} versions, the most a definition may have`);
    }
    return { outcome: PutOutcome.Created, definition, fingerprint, bytes: fingerprint.bytes };
  }

  /** An identical version exists. An archived one is answered with the request's body (identical as JSON). */
  private unchanged(entry: VersionEntry, body: PutDefinitionRequest['definition'], fingerprint: BodyFingerprint): VersionPlan {
    const stored = this.kept.get(entry.version) ?? { definition: { ...body, version: entry.version }, registered_at: entry.registered_at };
    return { outcome: PutOutcome.Unchanged, stored, bytes: fingerprint.bytes };
  }

  private keep(stored: StoredDefinition, bytes: number): void {
    this.kept.set(stored.definition.version, stored);
    this.keptBytes += bytes;
  }

  /** Binary search: the index is ascending by version. */
  private entry(version: number): VersionEntry | undefined {
    let low = 0;
    let high = this.index.length - 1;
    while (low <= high) {
      const mid = (low + high) >> 1;
      const entry = this.index[mid]!;
      if (entry.version === version) return entry;
      if (entry.version < version) low = mid + 1;
      else high = mid - 1;
    }
    return undefined;
  }
}

function assertTimestamp(value: unknown): void {
  if (value === undefined) return;
  if (typeof value !== 'string' || value.length > MAX_TIMESTAMP_CHARS || Number.isNaN(Date.parse(value))) {
    throw registryFailure(RegistryFailureType.InvalidRequest, 'registered_at must be an ISO-8601 timestamp');
  }
}
