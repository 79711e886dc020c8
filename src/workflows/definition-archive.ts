/**
 * `cadenzaDefinitionArchive`: versions a definition entity (./definition-entity.ts) moved out of its
 * state, kept unchanged for as long as the workflow runs (it never ends and never grows: its history
 * is its start and one workflow task). Reads are queries; the entity says which archive holds a version.
 */
import { condition, setHandler } from '@temporalio/workflow';
import { type DefinitionArchiveInput, getArchivedVersionQuery } from './definition-entity-messages';
import { guarded } from './handler-guard';
import { RegistryFailureType, type StoredDefinition } from './registry-messages';

export async function cadenzaDefinitionArchive(input: DefinitionArchiveInput): Promise<void> {
  const byVersion = new Map<number, StoredDefinition>((input.versions ?? []).map((stored) => [stored.definition.version, stored]));
  setHandler(getArchivedVersionQuery, guarded('the getDefinition query', (version: unknown) => (typeof version === 'number' ? (byVersion.get(version) ?? null) : null), RegistryFailureType.InvalidRequest));
  await condition(() => false);
}
