/**
 * Registers the definitions shipped in `CADENZA_WORKFLOWS_DIR` (`workflows/*.yaml`) at startup.
 * Re-registering an unchanged file is a no-op (the registry answers `unchanged`), so this runs on
 * every start.
 */
import type { Client } from '@temporalio/client';
import { VersionConflict, WorkerUnavailable } from '../errors/problems';
import type { Config } from '../config';
import { loadDefinitionsFromDirectory } from './load-directory';
import { ScheduleService } from '../schedules/schedule-service';
import { DefinitionStore } from './store';

export interface RegisteredDefinition {
  file: string;
  id: string;
  /** The stored version; `null` on a conflict. */
  version: number | null;
  outcome: 'created' | 'unchanged' | 'conflict';
  /** Why it conflicted. */
  detail?: string;
}

export interface RegisterDefinitionsOptions {
  /** Defaults to a store on `config.CADENZA_TASK_QUEUE`. */
  store?: DefinitionStore;
  /** Defaults to `config.CADENZA_WORKFLOWS_DIR`. */
  dir?: string;
  /** How long to keep retrying while no worker answers (a worker starting alongside). Default 60 s. */
  waitForWorkerMs?: number;
  logger?: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void };
}

const RETRY_PAUSE_MS = 1000;

/**
 * Loads and registers every definition of the directory. A missing directory registers nothing.
 * Throws `DefinitionError` (naming the file) when a file is invalid; a version conflict (a file
 * whose explicit version exists with another body) is reported, not thrown, so one stale file does
 * not stop the server.
 */
export async function registerDefinitionsFromDirectory(
  client: Client,
  config: Pick<Config, 'CADENZA_TASK_QUEUE' | 'CADENZA_WORKFLOWS_DIR' | 'CADENZA_TEMPLATE_ENV'>,
  options: RegisterDefinitionsOptions = {},
): Promise<RegisteredDefinition[]> {
  const dir = options.dir ?? config.CADENZA_WORKFLOWS_DIR;
  const store = options.store ?? new DefinitionStore({ client, taskQueue: config.CADENZA_TASK_QUEUE });
  // A definition's `schedule:` becomes its Temporal Schedule (docs/design.md §9).
  const schedules = new ScheduleService({ client, taskQueue: config.CADENZA_TASK_QUEUE, templateEnv: config.CADENZA_TEMPLATE_ENV });
  const giveUpAt = Date.now() + (options.waitForWorkerMs ?? 60_000);
  let loaded;
  try {
    loaded = await loadDefinitionsFromDirectory(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      options.logger?.info({ dir }, 'no definitions directory; nothing to register');
      return [];
    }
    throw error;
  }

  const results: RegisteredDefinition[] = [];
  for (const { file, definition } of loaded) {
    for (;;) {
      try {
        const { outcome, stored } = await store.put(definition);
        await schedules.sync(stored.definition);
        results.push({ file, id: definition.id, version: stored.definition.version, outcome });
        options.logger?.info({ file, id: definition.id, version: stored.definition.version, outcome }, 'definition registered');
        break;
      } catch (error) {
        if (error instanceof VersionConflict) {
          results.push({ file, id: definition.id, version: null, outcome: 'conflict', detail: error.detail });
          options.logger?.warn({ file, id: definition.id, detail: error.detail }, 'definition not registered: version conflict');
          break;
        }
        if (error instanceof WorkerUnavailable && Date.now() < giveUpAt) {
          await new Promise((resolve) => setTimeout(resolve, RETRY_PAUSE_MS));
          continue;
        }
        throw error;
      }
    }
  }
  return results;
}
