/**
 * The extension point for event triggers (docs/design.md §9, planned): the event names a definition
 * starts on, which its entity keeps in the `CadenzaTriggerEvents` search attribute, so an event router
 * finds the definitions of an event with one visibility query. Reads `triggers[].event` of a body;
 * today's schema has no `triggers`, so the list is empty until that feature lands.
 */

/** Bytes of JSON a KeywordList value may take (Temporal refuses a search attribute over 2,048 bytes). */
const MAX_TRIGGER_EVENTS_BYTES = 2000;

/** The distinct `triggers[].event` names of `definition`, sorted, as many as fit the attribute. */
export function triggerEventsOf(definition: object): string[] {
  const triggers = (definition as { triggers?: unknown }).triggers;
  if (!Array.isArray(triggers)) return [];
  const names = new Set<string>();
  for (const trigger of triggers) {
    const event = (trigger as { event?: unknown } | null)?.event;
    if (typeof event === 'string' && event.length > 0) names.add(event);
  }
  const fitting: string[] = [];
  let bytes = 2;
  for (const name of [...names].sort()) {
    // JSON.stringify(name).length counts UTF-16 units: the attribute's bound is on bytes, so be strict.
    const size = JSON.stringify(name).length * 3 + 1;
    if (bytes + size > MAX_TRIGGER_EVENTS_BYTES) break;
    fitting.push(name);
    bytes += size;
  }
  return fitting;
}
