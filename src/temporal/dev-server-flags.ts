/**
 * Server settings Cadenza relies on, as `temporal server start-dev` flags. Every key below exists in
 * the Temporal Server 1.29 that CLI v1.5.1 embeds (several are already on by default there; being
 * explicit keeps an older `temporal` on PATH working too).
 */
import { cadenzaSearchAttributes } from '../workflows/search-attributes';

/** Dynamic config values passed with `--dynamic-config-value`. */
export const cadenzaDynamicConfig: Readonly<Record<string, boolean>> = {
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
  // Lets workers opt into worker versioning without a server restart.
  'frontend.workerVersioningDataAPIs': true,
  'frontend.workerVersioningWorkflowAPIs': true,
};

/** A custom search attribute and its Temporal type name. */
export interface SearchAttributeSpec {
  name: string;
  type: string;
}

/** `--search-attribute` and `--dynamic-config-value` flags for the dev server. */
export function devServerFlags(searchAttributes: ReadonlyArray<SearchAttributeSpec> = cadenzaSearchAttributes): string[] {
  const flags: string[] = [];
  for (const { name, type } of searchAttributes) flags.push('--search-attribute', `${name}=${type}`);
  for (const [key, value] of Object.entries(cadenzaDynamicConfig)) flags.push('--dynamic-config-value', `${key}=${JSON.stringify(value)}`);
  return flags;
}
