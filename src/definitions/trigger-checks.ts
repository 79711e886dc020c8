/**
 * Static checks of a definition's `triggers` and `schedule` (docs/design.md §9): filters and input
 * templates are CEL over `payload` and `event` only, schemas compile, a schedule's time zone exists
 * and its input satisfies the definition's `input` schema.
 */
import type { DefinitionIssue } from './definition-error';
import { compileExpression, ExpressionError, TRIGGER_ROOTS } from './expressions';
import { compileJsonSchema, JsonSchemaError, validateAgainstSchema } from './json-schema';
import type { Definition } from './schema';
import { findTemplateExpressions, TemplateError } from './templates';

/** Every issue of the triggers and the schedule. */
export function triggerIssues(definition: Definition): DefinitionIssue[] {
  const issues: DefinitionIssue[] = [];
  const roots: readonly string[] = TRIGGER_ROOTS;
  const expression = (source: string, path: string) => {
    try {
      const compiled = compileExpression(source);
      for (const reference of compiled.references) {
        if (!roots.includes(reference.root)) issues.push({ path, message: `unknown variable "${reference.root}" in "${source}" (trigger expressions can read ${roots.join(', ')})` });
      }
    } catch (error) {
      if (!(error instanceof ExpressionError)) throw error;
      issues.push({ path, message: error.message });
    }
  };
  (definition.triggers ?? []).forEach((trigger, i) => {
    const path = `triggers[${i}]`;
    if (trigger.filter !== undefined) expression(trigger.filter, `${path}.filter`);
    try {
      for (const found of findTemplateExpressions(trigger.input, `${path}.input`)) expression(found.expression, found.path);
    } catch (error) {
      if (!(error instanceof TemplateError)) throw error;
      issues.push({ path: error.path, message: error.reason });
    }
    if (trigger.schema !== undefined) {
      try {
        compileJsonSchema(trigger.schema);
      } catch (error) {
        if (!(error instanceof JsonSchemaError)) throw error;
        issues.push({ path: `${path}.schema`, message: `invalid JSON Schema: ${error.message}` });
      }
    }
  });
  const schedule = definition.schedule;
  if (schedule !== undefined) {
    if (schedule.timezone !== undefined && !isTimeZone(schedule.timezone)) issues.push({ path: 'schedule.timezone', message: `unknown time zone "${schedule.timezone}"` });
    if (definition.input !== undefined) {
      const verdict = safeValidate(definition.input, schedule.input ?? {});
      if (verdict !== undefined) issues.push({ path: 'schedule.input', message: `does not satisfy the definition's input schema: ${verdict}` });
    }
  }
  return issues;
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function safeValidate(schema: Record<string, unknown>, value: unknown): string | undefined {
  try {
    const verdict = validateAgainstSchema(schema, value);
    return verdict.ok ? undefined : verdict.errors.map((e) => `${e.path || '(root)'} ${e.message}`).join('; ');
  } catch {
    // An invalid input schema is reported by the graph checks.
    return undefined;
  }
}
