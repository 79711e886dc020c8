/**
 * Which definitions an event starts (docs/design.md §9): a definition's first trigger for the event's
 * name whose payload schema and CEL filter accept it; the execution input is the trigger's `input`
 * mapping rendered over `payload` and `event`, or the payload itself. Pure: the router starts them.
 */
import { evaluateExpression, ExpressionError } from '../definitions/expressions';
import { validateAgainstSchema } from '../definitions/json-schema';
import type { VersionedDefinition } from '../definitions/schema';
import { renderTemplate, TemplateError } from '../definitions/templates';

/** An event as triggers see it. */
export interface EventEnvelope {
  id: string;
  name: string;
  key: string | null;
  payload: unknown;
}

/** A definition the event starts, with the input; or why its trigger did not start it. */
export type TriggerMatch = { definition: VersionedDefinition; input: unknown } | { definition: VersionedDefinition; skipped: string };

/** What `event` does to `definition`: undefined when no trigger of it names the event. */
export function matchTrigger(definition: VersionedDefinition, event: EventEnvelope): TriggerMatch | undefined {
  const triggers = (definition.triggers ?? []).filter((t) => t.event === event.name);
  if (triggers.length === 0) return undefined;
  const scope = { payload: event.payload, event: { id: event.id, name: event.name, key: event.key } };
  let skipped = '';
  for (const trigger of triggers) {
    if (trigger.schema !== undefined) {
      const verdict = validateAgainstSchema(trigger.schema, event.payload);
      if (!verdict.ok) {
        skipped = `payload: ${verdict.errors.map((e) => `${e.path || '(root)'} ${e.message}`).join('; ')}`;
        continue;
      }
    }
    try {
      if (trigger.filter !== undefined && evaluateExpression(trigger.filter, scope) !== true) {
        skipped = `the filter "${trigger.filter}" is not true`;
        continue;
      }
      return { definition, input: trigger.input === undefined ? event.payload : renderTemplate(trigger.input, scope, 'input') };
    } catch (error) {
      if (!(error instanceof ExpressionError) && !(error instanceof TemplateError)) throw error;
      skipped = error.message;
    }
  }
  return { definition, skipped };
}
