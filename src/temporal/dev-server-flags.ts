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
