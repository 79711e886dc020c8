/**
 * The definitions registry: one long-lived entity workflow per namespace that holds every version of
 * every definition. Writes are updates (validated, so a conflict is refused without touching history),
 * reads are queries; the run continues as new before its history grows large, carrying the state.
 *
 * Superseded by the definition entities (`cadenzaDefinition`, ./definition-entity.ts): its state and
 * continue-as-new input grow with every version of every definition. It stays for the registries
 * that users' servers still run: replay, and the migration, which freezes it with `retire`, copies
 * its versions and completes it (src/definitions/legacy-migration.ts). `retire` is a new handler and
 * changes nothing in the history of a registry that never receives it, so no patch is needed.
 */
import { allHandlersFinished, ApplicationFailure, condition, continueAsNew, setHandler, workflowInfo } from '@temporalio/workflow';
import { canonicalJson } from './canonical-json';
import { guarded } from './handler-guard';
import { assertShallow, assertWellFormed, conflict } from './definition-put-rules';
import type { VersionedDefinition } from '../definitions/schema';
import {
  type DefinitionSummary,
  getDefinitionQuery,
  listDefinitionsQuery,
  MAX_DEFINITION_VERSION,
  type PutDefinitionRequest,
  type PutDefinitionResult,
  putDefinitionUpdate,
  type RegistryInput,
  RegistryFailureType,
  type RetireRequest,
  type RetireResult,
  retireUpdate,
  type StoredDefinition,
} from './registry-messages';

/** Default history length after which the registry hands over to a fresh run. */
const DEFAULT_MAX_HISTORY_LENGTH = 2000;

export async function cadenzaRegistry(input: RegistryInput = {}): Promise<void> {
  const maxHistoryLength = input.max_history_length ?? DEFAULT_MAX_HISTORY_LENGTH;
  const definitions = new Map<string, StoredDefinition[]>(Object.entries(input.state?.definitions ?? {}));

  const latestOf = (id: string): StoredDefinition | undefined => definitions.get(id)?.at(-1);
  let retired = input.state?.retired === true;
  let completing = false;
  const refuseWhenRetired = () => {
    if (retired) throw ApplicationFailure.create({ type: RegistryFailureType.InvalidRequest, message: RETIRED_MESSAGE, nonRetryable: true });
  };

  // Every handler is total: a malformed request (say, from the Temporal CLI) is refused, never a failed workflow task.
  const invalidRequest = RegistryFailureType.InvalidRequest;
  setHandler(
    putDefinitionUpdate,
    guarded('the putDefinition update', (request: PutDefinitionRequest) => {
      refuseWhenRetired();
      const plan = planPut(request, definitions.get(request.definition.id) ?? []);
      if (plan.outcome === 'unchanged') return { outcome: 'unchanged', stored: plan.existing };
      const stored: StoredDefinition = { definition: plan.definition, registered_at: new Date().toISOString() };
      const versions = definitions.get(plan.definition.id) ?? [];
      // Keep versions ascending: a new version is always above the latest (planPut guarantees it).
      definitions.set(plan.definition.id, [...versions, stored]);
      return { outcome: 'created', stored } satisfies PutDefinitionResult;
    }, invalidRequest),
    {
      validator: guarded('the putDefinition update', (request: PutDefinitionRequest) => {
        refuseWhenRetired();
        assertWellFormed(request);
        assertShallow(request);
        // Throws VersionConflict; running the plan here keeps the refusal out of history.
        planPut(request, definitions.get(request.definition.id) ?? []);
      }, invalidRequest),
    },
  );

  const getDefinition = (id: unknown, version?: unknown): StoredDefinition | null => {
    if (typeof id !== 'string' || !definitions.has(id)) return null;
    if (version === undefined || version === null) return latestOf(id) ?? null;
    return definitions.get(id)?.find((s) => s.definition.version === version) ?? null;
  };
  setHandler(getDefinitionQuery, guarded('the getDefinition query', getDefinition, invalidRequest));

  setHandler(listDefinitionsQuery, guarded('the listDefinitions query', () => summaries(definitions), invalidRequest));

  setHandler(
    retireUpdate,
    guarded('the retire update', (request: RetireRequest): RetireResult => {
      retired = true;
      completing ||= request.complete;
      return { definitions: definitions.size, versions: [...definitions.values()].reduce((n, versions) => n + versions.length, 0) };
    }, invalidRequest),
    {
      validator: guarded('the retire update', (request: RetireRequest) => {
        if (typeof (request as Partial<RetireRequest> | null)?.complete !== 'boolean') {
          throw ApplicationFailure.create({ type: invalidRequest, message: 'retire takes {complete: boolean}', nonRetryable: true });
        }
      }, invalidRequest),
    },
  );

  await condition(() => {
    const info = workflowInfo();
    return completing || info.continueAsNewSuggested || info.historyLength >= maxHistoryLength;
  });
  // Let every accepted update finish before handing over, so none is lost with the old run.
  await condition(allHandlersFinished);
  if (completing) return;
  await continueAsNew<typeof cadenzaRegistry>({
    state: { definitions: Object.fromEntries(definitions), ...(retired ? { retired: true as const } : {}) },
    max_history_length: maxHistoryLength,
  });
}

/** Why a retired registry refuses a put: an API node of a version before the definition entities sent it. */
const RETIRED_MESSAGE = 'this registry was migrated to one workflow per definition (cadenzaDefinition) and takes no more definitions: upgrade this API node';

/** The latest version of every definition, sorted by id. */
function summaries(definitions: ReadonlyMap<string, StoredDefinition[]>): DefinitionSummary[] {
  return [...definitions.keys()].sort().flatMap((id): DefinitionSummary[] => {
    const versions = definitions.get(id) ?? [];
    const latest = versions.at(-1);
    if (!latest) return [];
    return [
      {
        id,
        version: latest.definition.version,
        name: latest.definition.name ?? null,
        description: latest.definition.description ?? null,
        versions: versions.map((s) => s.definition.version),
        registered_at: latest.registered_at,
      },
    ];
  });
}

type PutPlan = { outcome: 'unchanged'; existing: StoredDefinition } | { outcome: 'created'; definition: VersionedDefinition };

/**
 * Decides what a put does, or throws `VersionConflict`:
 * - explicit version that exists: unchanged when the body is identical, conflict otherwise;
 * - explicit new version: must be above the latest (versions only grow);
 * - no version: unchanged when identical to the latest, otherwise latest + 1.
 */
function planPut(request: PutDefinitionRequest, versions: StoredDefinition[]): PutPlan {
  const { definition } = request;
  const latest = versions.at(-1);
  const requested = definition.version;
  if (requested === undefined) {
    if (latest && sameBody(latest.definition, definition)) return { outcome: 'unchanged', existing: latest };
    const next = (latest?.definition.version ?? 0) + 1;
    if (next > MAX_DEFINITION_VERSION) {
      throw ApplicationFailure.create({ type: RegistryFailureType.InvalidRequest, message: `"${definition.id}" is at version ${MAX_DEFINITION_VERSION}, the highest there is`, nonRetryable: true });
    }
    return { outcome: 'created', definition: { ...definition, version: next } };
  }
  const existing = versions.find((s) => s.definition.version === requested);
  if (existing) {
    if (sameBody(existing.definition, definition)) return { outcome: 'unchanged', existing };
    throw conflict(definition.id, requested, latest?.definition.version ?? null, `version ${requested} of "${definition.id}" exists with a different body`);
  }
  if (latest && requested < latest.definition.version) {
    throw conflict(definition.id, requested, latest.definition.version, `version ${requested} of "${definition.id}" is below the latest version ${latest.definition.version}`);
  }
  return { outcome: 'created', definition: { ...definition, version: requested } };
}

/** Two definitions are the same when they are equal as JSON, ignoring key order and `version`. */
function sameBody(a: object, b: object): boolean {
  return canonicalJson({ ...a, version: undefined }) === canonicalJson({ ...b, version: undefined });
}
