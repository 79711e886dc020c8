/**
 * Contracts of the definition entities (docs/design.md §1, §11): one `cadenzaDefinition` workflow per
 * definition id holds that definition's versions; versions that no longer fit its byte budget move to
 * immutable `cadenzaDefinitionArchive` workflows. Names are what the `temporal` CLI uses:
 * `temporal workflow query --workflow-id cadenza-registry/order-approval --name getDefinition --input 2`.
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { DefinitionSummary, PutDefinitionRequest, PutDefinitionResult, StoredDefinition } from './registry-messages';

/** Workflow type of a definition entity. */
export const DEFINITION_WORKFLOW_TYPE = 'cadenzaDefinition';

/** Workflow type of an archive of versions a definition entity moved out of its state. */
export const DEFINITION_ARCHIVE_WORKFLOW_TYPE = 'cadenzaDefinitionArchive';

/** Workflow id of the entity of `definitionId` in the registry `registryId` (default `cadenza-registry`). */
export function definitionEntityId(registryId: string, definitionId: string): string {
  return `${registryId}/${definitionId}`;
}

/** Workflow id of the archive holding versions `first` to `last` of an entity. */
export function definitionArchiveId(entityId: string, first: number, last: number): string {
  return `${entityId}/archive/${first}-${last}`;
}

/**
 * Largest definition, in UTF-8 bytes of its canonical JSON. Every execution carries its definition in
 * its start input, and an entity carries a few bodies across continue-as-new, so a body stays far
 * below Temporal's 2 MB payload limit. The API refuses a larger one with `413 definition_too_large`.
 */
export const MAX_DEFINITION_BYTES = 256 * 1024;

/** Bounds an entity keeps; tests lower them to reach archives and continue-as-new with little data. */
export interface DefinitionEntityLimits {
  /** Most versions a definition may have (`version_limit_reached` beyond). */
  max_versions: number;
  /**
   * Bytes of version bodies the entity keeps in its own state. Past it the oldest versions but the
   * latest move to an archive workflow until at most half of it is left.
   */
  kept_bytes: number;
  /**
   * Continue as new once the run took this many puts (each adds about 8 history events), or when
   * Temporal suggests it. Counted in workflow state, not read from `historyLength`: the SDK's replay
   * of a closed run reports another history length than the run saw (docs/decisions.md).
   */
  max_run_puts: number;
  /** Continue as new once the bodies the run took and archived add up to this many bytes. */
  max_run_bytes: number;
}

/** The bounds of a production entity. Largest continue-as-new input: ≈ kept_bytes + one body + the index. */
export const DEFAULT_ENTITY_LIMITS: DefinitionEntityLimits = {
  max_versions: 1000,
  kept_bytes: 512 * 1024,
  max_run_puts: 250,
  max_run_bytes: 4 * 1024 * 1024,
};

/** One version in an entity's index. The index holds every version; the body may be archived. */
export interface VersionEntry {
  version: number;
  /** When the version was stored (ISO-8601). */
  registered_at: string;
  /** SHA-256 (hex) of the canonical JSON of the body without `version`: what "identical" means. */
  digest: string;
  /** UTF-8 bytes of the body's canonical JSON. */
  bytes: number;
  /** Workflow id of the archive holding the body; absent while the entity keeps it. */
  archive?: string;
}

/** State carried across continue-as-new: the index and the bodies still kept, both ascending. */
export interface DefinitionEntityState {
  versions: VersionEntry[];
  kept: StoredDefinition[];
}

/** Input of `cadenzaDefinition`. */
export interface DefinitionEntityInput {
  /** The registry this entity belongs to (search attribute `CadenzaRegistry`). */
  registry_id: string;
  definition_id: string;
  state?: DefinitionEntityState;
  limits?: Partial<DefinitionEntityLimits>;
  /** 1 + how often the entity continued as new (carried). */
  run?: number;
}

/** Input of `cadenzaDefinitionArchive`: versions of one definition, ascending, never changed. */
export interface DefinitionArchiveInput {
  definition_id: string;
  versions: StoredDefinition[];
}

/** The answer of an entity for a version it moved to an archive: read it there. */
export interface ArchivedVersion {
  version: number;
  archived_in: string;
}

/** What an entity holds, for tests, the bench and operators. */
export interface DefinitionEntityStats {
  versions: number;
  kept_versions: number;
  kept_bytes: number;
  archives: number;
  history_length: number;
  history_bytes: number;
  /** Run number of this entity: 1 + how often it continued as new. */
  run: number;
}

/** The memo key holding the listing summary of an entity (read from visibility by the listing). */
export const SUMMARY_MEMO_KEY = 'definition';

/** Stores a version. The validator refuses conflicts and limits, so they never reach history. */
export const putVersionUpdate = defineUpdate<PutDefinitionResult, [request: PutDefinitionRequest]>('putDefinition');

/** One version (the latest when omitted): the stored definition, where it was archived, or `null`. */
export const getVersionQuery = defineQuery<StoredDefinition | ArchivedVersion | null, [version?: number]>('getDefinition');

/** The listing summary of the definition; `null` while it has no version. */
export const describeDefinitionQuery = defineQuery<DefinitionSummary | null>('describeDefinition');

/** Sizes and counts of the entity. */
export const entityStatsQuery = defineQuery<DefinitionEntityStats>('entityStats');

/** A version of an archive; `null` when the archive does not hold it. */
export const getArchivedVersionQuery = defineQuery<StoredDefinition | null, [version: number]>('getDefinition');
