/**
 * Server settings Cadenza relies on, as `temporal server start-dev` flags. Every key below exists in
 * the Temporal Server 1.29 that CLI v1.5.1 embeds (several are already on by default there; being
 * explicit keeps an older `temporal` on PATH working too).
 */
import { cadenzaSearchAttributes } from '../workflows/search-attributes';

/** Dynamic config values passed with `--dynamic-config-value`. */
export const cadenzaDynamicConfig: Readonly<Record<string, boolean | number>> = {
  // The REST API drives pause/resume/approve through updates with validators (docs/design.md §1).
  'frontend.enableUpdateWorkflowExecution': true,
  'frontend.enableUpdateWorkflowExecutionAsyncAccepted': true,
  // Update-with-start and signal-with-start in one call.
  'frontend.enableExecuteMultiOperation': true,
  // Lower trigger→first-task latency.
  'system.enableEagerWorkflowStart': true,
  // The next task's activity comes back with the workflow task completion instead of through a poll:
  // resume → next activity p50 50 → 27 ms (bench/README.md). A production namespace wants it too.
  'system.enableActivityEagerExecution': true,
  // The history service reads its transfer queue (where a scheduled workflow task waits to be handed
  // to matching) at most 20 times a second per shard by default: once its burst is spent, every
  // workflow task waits up to 50 ms (the "~45 ms per dispatch" of docs/decisions.md). A read takes a
  // batch, so the limit only protects a shared database; the dev server has one shard and no neighbours.
  'history.transferProcessorMaxPollRPS': 1000,
  // Signals that arrive while a workflow task runs are buffered; past 100 (the default) the server
  // fails that task (FORCE_CLOSE_COMMAND) and the worker replays the run. Under a burst of signals
  // (hundreds a second over REST) the retried task takes longer, more buffer, and it fails again:
  // the execution cannot continue as new until the burst ends (docs/design.md §11). The buffer stays
  // bounded in bytes by `history.maximumBufferedEventsSizeInBytes` (2 MiB).
  'history.maximumBufferedEventsBatch': 1000,
  // Lets workers opt into worker versioning without a server restart.
  'frontend.workerVersioningDataAPIs': true,
  'frontend.workerVersioningWorkflowAPIs': true,
};

/** A custom search attribute and its Temporal type name. */
export interface SearchAttributeSpec {
  name: string;
  type: string;
}

/** Dynamic config values on top of Cadenza's (tests lower Temporal's limits with them). */
export type DynamicConfigValues = Readonly<Record<string, string | number | boolean>>;

/** `--search-attribute` and `--dynamic-config-value` flags for the dev server; `extra` values win. */
export function devServerFlags(searchAttributes: ReadonlyArray<SearchAttributeSpec> = cadenzaSearchAttributes, extra: DynamicConfigValues = {}): string[] {
  const flags: string[] = [];
  for (const { name, type } of searchAttributes) flags.push('--search-attribute', `${name}=${type}`);
  for (const [key, value] of Object.entries({ ...cadenzaDynamicConfig, ...extra })) flags.push('--dynamic-config-value', `${key}=${JSON.stringify(value)}`);
  return flags;
}
