/**
 * The size limit of a definition (`MAX_DEFINITION_BYTES`, UTF-8 bytes of its canonical JSON), checked
 * at the edge before anything is sent: a definition travels in every execution's start input and an
 * entity carries bodies across continue-as-new, so each must stay far below Temporal's 2 MB payloads.
 */
import { DefinitionTooLarge } from '../errors/registry-problems';
import { canonicalJson } from '../workflows/canonical-json';
import { MAX_DEFINITION_BYTES } from '../workflows/definition-entity-messages';
import type { Definition } from './schema';

/** Throws `DefinitionTooLarge` (413 `definition_too_large`) for a definition over the limit. */
export function assertDefinitionSize(definition: Definition): void {
  const bytes = Buffer.byteLength(canonicalJson(definition), 'utf8');
  if (bytes > MAX_DEFINITION_BYTES) throw new DefinitionTooLarge(definition.id, bytes, MAX_DEFINITION_BYTES);
}
