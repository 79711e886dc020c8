/**
 * Contracts of the definitions registry: the entity workflow that durably holds every version of
 * every workflow definition (docs/design.md §1: Temporal is the only stateful dependency). Names are what the
 * `temporal` CLI uses (`temporal workflow query --workflow-id cadenza-registry --name listDefinitions`).
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { Definition, VersionedDefinition } from '../definitions/schema';

/** Workflow type of the registry. */
export const REGISTRY_WORKFLOW_TYPE = 'cadenzaRegistry';

/**
 * Highest version a definition may have. The registry assigns latest + 1 to a definition without a
 * version, so versions stay far below 2^53, where they would stop being exact integers.
 */
export const MAX_DEFINITION_VERSION = 2_147_483_647;

/** Workflow id of the one registry of a namespace. */
export const REGISTRY_WORKFLOW_ID = 'cadenza-registry';

/** One registered version of a definition. Versions are immutable once stored. */
export interface StoredDefinition {
  definition: VersionedDefinition;
  /** When this version was stored (ISO-8601, workflow time). */
  registered_at: string;
}

/** The latest version of one definition, for listings. */
export interface DefinitionSummary {
  id: string;
  /** Latest version. */
  version: number;
  name: string | null;
  description: string | null;
  /** Every stored version, ascending. */
  versions: number[];
  /** When the latest version was stored. */
  registered_at: string;
}

/** Argument of `putDefinitionUpdate`: an already validated definition; `version` absent means "next". */
export interface PutDefinitionRequest {
  definition: Definition;
  /**
   * When the version was first stored (ISO-8601): only the migration from the single registry sets
   * it, to keep a version's date. The definition entity takes it; the single registry ignores it.
   */
  registered_at?: string;
}

/** What a put did. */
export const PutOutcome = {
  /** A new version was stored. */
  Created: 'created',
  /** An identical version already existed; nothing changed. */
  Unchanged: 'unchanged',
} as const;
export type PutOutcome = (typeof PutOutcome)[keyof typeof PutOutcome];

export interface PutDefinitionResult {
  outcome: PutOutcome;
  stored: StoredDefinition;
}

/**
 * `ApplicationFailure` types the registry's update validator rejects with. A rejected update leaves
 * no trace in the registry's history.
 */
export const RegistryFailureType = {
  /** The version exists with a different body, or is lower than the latest and unknown. */
  VersionConflict: 'VersionConflict',
  /** The request is not a definition at all (the API validates fully before sending). */
  InvalidRequest: 'InvalidRequest',
  /** The definition has `max_versions` versions already (definition entity only). */
  VersionLimitReached: 'VersionLimitReached',
  /** The body is over `MAX_DEFINITION_BYTES` (definition entity only). */
  DefinitionTooLarge: 'DefinitionTooLarge',
} as const;
export type RegistryFailureType = (typeof RegistryFailureType)[keyof typeof RegistryFailureType];

/** Details of a `VersionConflict` failure. */
export interface VersionConflictDetails {
  id: string;
  version: number;
  latest_version: number | null;
}

/** State carried across continue-as-new: every version of every definition, ascending by version. */
export interface RegistryState {
  definitions: Record<string, StoredDefinition[]>;
  /** Set once `retire` froze the registry: it takes no more puts (the migration copies it). */
  retired?: true;
}

/** Input of the registry workflow. */
export interface RegistryInput {
  state?: RegistryState;
  /**
   * Continue as new once the run's history holds this many events (besides Temporal's own
   * suggestion). Carried over; tests lower it to exercise the hand-over.
   */
  max_history_length?: number;
}

/** Stores a definition version. The validator refuses version conflicts, so they never reach history. */
export const putDefinitionUpdate = defineUpdate<PutDefinitionResult, [request: PutDefinitionRequest]>('putDefinition');

/** One version of a definition (the latest when `version` is omitted); `null` when unknown. */
export const getDefinitionQuery = defineQuery<StoredDefinition | null, [id: string, version?: number]>('getDefinition');

/** The latest version of every definition, sorted by id. */
export const listDefinitionsQuery = defineQuery<DefinitionSummary[]>('listDefinitions');

/** Argument of `retireUpdate`. */
export interface RetireRequest {
  /** `false`: freeze (refuse every further put). `true`: freeze and complete the workflow. */
  complete: boolean;
}

/** What `retire` answers: how many definitions the frozen registry holds. */
export interface RetireResult {
  definitions: number;
  versions: number;
}

/**
 * Retires the single registry after its definitions moved to definition entities
 * (src/definitions/legacy-migration.ts): a frozen registry refuses puts with `InvalidRequest`, and
 * `complete: true` ends the workflow once the copy is done.
 */
export const retireUpdate = defineUpdate<RetireResult, [request: RetireRequest]>('retire');
