/**
 * Moves the definitions of the single registry workflow of earlier versions (`cadenzaRegistry`, id
 * `cadenza-registry`, every version of every definition in one state) into one definition entity per
 * id, versions and registration dates intact, and ends it (docs/decisions.md "Definitions: one entity
 * workflow per definition"). Steps, each safe to repeat:
 * 1. `retire {complete: false}` freezes the registry: it refuses every further put (an API node not
 *    yet upgraded gets `definition_invalid` naming the reason), so nothing written during the copy is lost;
 * 2. every version is read (queries) and put into its entity with its version and `registered_at`:
 *    an identical version already there is `unchanged`, so a repeated or concurrent migration (two
 *    API nodes starting together) stores each version exactly once;
 * 3. `retire {complete: true}` completes the registry workflow.
 * A crash between the steps leaves the registry running and frozen: the next start repeats them.
 * A version that conflicts with what an entity already holds stops before step 3 (the registry stays,
 * frozen and readable) and is reported.
 */
import { type Client, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { VersionConflict, WorkerUnavailable } from '../errors/problems';
import { withServerDeadline, withWorkerDeadline } from '../temporal/worker-deadline';
import {
  getDefinitionQuery,
  listDefinitionsQuery,
  PutOutcome,
  REGISTRY_WORKFLOW_TYPE,
  retireUpdate,
  type StoredDefinition,
} from '../workflows/registry-messages';

/** Where the migration reports what it did. */
export interface MigrationLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface MigrationOptions {
  client: Client;
  /** Workflow id of the single registry. */
  legacyId: string;
  deadlineMs: number;
  /** Stores one version in its entity, with its version and date. */
  importVersion: (stored: StoredDefinition) => Promise<PutOutcome>;
  logger?: MigrationLogger;
  /** Definitions copied at once. */
  concurrency?: number;
}

/** What a migration found and did. */
export interface MigrationReport {
  /** `none`: no running single registry; `migrated`: copied and completed; `conflicts`: copied but kept (see `conflicts`). */
  status: 'none' | 'migrated' | 'conflicts';
  definitions: number;
  versions: number;
  created: number;
  unchanged: number;
  conflicts: Array<{ id: string; version: number; detail: string }>;
}

const nothing: MigrationReport = { status: 'none', definitions: 0, versions: 0, created: 0, unchanged: 0, conflicts: [] };

/** Runs the migration if a single registry still runs under `legacyId`. */
export async function migrateLegacyRegistry(options: MigrationOptions): Promise<MigrationReport> {
  const { client, legacyId, deadlineMs } = options;
  const handle = client.workflow.getHandle(legacyId);
  let running: boolean;
  try {
    const description = await withServerDeadline(client, deadlineMs, 'Temporal', () => handle.describe());
    running = description.type === REGISTRY_WORKFLOW_TYPE && description.status.name === 'RUNNING';
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return nothing;
    throw error;
  }
  if (!running) return nothing;
  const bounded = <T>(what: string, fn: () => Promise<T>) => withWorkerDeadline(client, deadlineMs, what, fn);

  const frozen = await bounded('the registry retirement', () => handle.executeUpdate(retireUpdate, { args: [{ complete: false }] })).catch((error: unknown) => {
    // A worker of an earlier version answered: it cannot retire the registry, so nothing may move yet.
    if (error instanceof WorkflowUpdateFailedError && /no registered handler for update/i.test(error.cause?.message ?? '')) {
      throw new WorkerUnavailable(`the worker polling the task queue predates the migration of the definitions registry "${legacyId}"; upgrade the workers`);
    }
    throw error;
  });
  options.logger?.info({ registry: legacyId, ...frozen }, 'migrating the definitions registry to one workflow per definition');
  const summaries = await bounded('the registry listing', () => handle.query(listDefinitionsQuery));
  const report: MigrationReport = { ...nothing, status: 'migrated', definitions: summaries.length, conflicts: [] };
  const copy = async (id: string, versions: readonly number[]) => {
    // Ascending, one at a time: an entity takes only versions above its latest.
    for (const version of versions) {
      const stored = await bounded('a registry lookup', () => handle.query(getDefinitionQuery, id, version));
      if (!stored) continue;
      report.versions++;
      try {
        const outcome = await options.importVersion(stored);
        if (outcome === PutOutcome.Created) report.created++;
        else report.unchanged++;
      } catch (error) {
        if (!(error instanceof VersionConflict)) throw error;
        report.conflicts.push({ id, version, detail: error.detail });
      }
    }
  };
  let next = 0;
  const lane = async () => {
    while (next < summaries.length) {
      const summary = summaries[next++]!;
      await copy(summary.id, summary.versions);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 8 }, lane));

  if (report.conflicts.length > 0) {
    report.status = 'conflicts';
    options.logger?.warn({ registry: legacyId, conflicts: report.conflicts }, 'the definitions registry was copied but kept: some versions differ from what their entities hold');
    return report;
  }
  try {
    await bounded('the registry retirement', () => handle.executeUpdate(retireUpdate, { args: [{ complete: true }] }));
  } catch (error) {
    // Another node completed it first.
    if (!(await closed(handle))) throw error;
  }
  options.logger?.info({ registry: legacyId, ...report }, 'definitions registry migrated and completed');
  return report;
}

async function closed(handle: ReturnType<Client['workflow']['getHandle']>): Promise<boolean> {
  const description = await handle.describe().catch(() => undefined);
  return description !== undefined && description.status.name !== 'RUNNING';
}
