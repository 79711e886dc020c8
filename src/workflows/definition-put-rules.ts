/**
 * Refusals shared by the single registry (./registry.ts) and the definition entities
 * (./definition-versions.ts): the cheap shape checks of a put, and the `VersionConflict` failure.
 */
import { ApplicationFailure } from '@temporalio/workflow';
import { MAX_PAYLOAD_DEPTH, measurePayload } from './payload-bounds';
import { MAX_DEFINITION_VERSION, type PutDefinitionRequest, RegistryFailureType, type VersionConflictDetails } from './registry-messages';

/** A non-retryable refusal of a registry or entity update, of one of `RegistryFailureType`. */
export function registryFailure(type: RegistryFailureType, message: string): ApplicationFailure {
  return ApplicationFailure.create({ type, message, nonRetryable: true });
}

/** The `VersionConflict` refusal: `version` of `id` exists with another body, or is below the latest. */
export function conflict(id: string, version: number, latestVersion: number | null, message: string): ApplicationFailure {
  const details: VersionConflictDetails = { id, version, latest_version: latestVersion };
  return ApplicationFailure.create({ type: RegistryFailureType.VersionConflict, message, nonRetryable: true, details: [details] });
}

/** Cheap structural checks only: the API validated the definition fully before sending it. */
export function assertWellFormed(request: PutDefinitionRequest): void {
  const definition = (request as Partial<PutDefinitionRequest> | undefined)?.definition as { id?: unknown; version?: unknown } | undefined;
  const fail = (message: string) => registryFailure(RegistryFailureType.InvalidRequest, message);
  if (typeof definition !== 'object' || definition === null) throw fail('the request holds no definition');
  if (typeof definition.id !== 'string' || definition.id.length === 0) throw fail('the definition has no id');
  const { version } = definition;
  if (version !== undefined && !(typeof version === 'number' && Number.isInteger(version) && version >= 1 && version <= MAX_DEFINITION_VERSION)) {
    throw fail(`the definition version must be an integer from 1 to ${MAX_DEFINITION_VERSION}`);
  }
  // The interpreter refuses to start on a definition without tasks; refuse to store one.
  const tasks = (definition as { tasks?: unknown }).tasks;
  if (!Array.isArray(tasks) || tasks.length === 0) throw fail('the definition has no tasks');
}

/**
 * Refuses a definition nested deeper than `MAX_PAYLOAD_DEPTH` levels (the REST API refuses such
 * bodies before they reach the registry; the Temporal CLI does not). Called by the put validators
 * only, before anything walks the body recursively: how deep a recursive walk (canonical JSON) gets
 * before the stack overflows depends on the stack the handler runs on, which differs between the
 * first run and a replay, so an accepted deep body could replay with another outcome. The validator
 * never runs in replay, and the handler of an accepted put then only ever sees a shallow body.
 * The walk itself is iterative.
 */
export function assertShallow(request: PutDefinitionRequest): void {
  const definition = (request as Partial<PutDefinitionRequest> | undefined)?.definition;
  if (measurePayload(definition).tooDeep) {
    throw registryFailure(RegistryFailureType.InvalidRequest, `the definition is nested deeper than ${MAX_PAYLOAD_DEPTH} levels`);
  }
}
