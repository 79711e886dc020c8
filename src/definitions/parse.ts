/**
 * Reading definitions: YAML or JSON text (or an already parsed JSON body) to a checked `Definition`.
 * Every problem is reported as a `DefinitionError` whose issues name the path they concern.
 */
import type { z } from 'zod';
import { DefinitionError, type DefinitionIssue } from './definition-error';
import { DefinitionSchema, type Definition } from './schema';
import { validateDefinition } from './validate-graph';
import { formatPath } from './value-path';
import { readYamlDocument } from './yaml-document';

export type DefinitionFormat = 'yaml' | 'json';

/**
 * Parses and validates a definition. Without `format`, text starting with `{` is JSON, anything else
 * YAML. Throws `DefinitionError`; syntax errors give the line and column.
 */
export function parseDefinition(text: string, format?: DefinitionFormat): Definition {
  const detected = format ?? (text.trimStart().startsWith('{') ? 'json' : 'yaml');
  const document = detected === 'json' ? parseJson(text) : parseYaml(text);
  return validateDefinitionObject(document);
}

/** Validates a definition that is already a JS value (e.g. a JSON request body). Throws `DefinitionError`. */
export function validateDefinitionObject(value: unknown): Definition {
  const parsed = DefinitionSchema.safeParse(value);
  if (!parsed.success) throw new DefinitionError(parsed.error.issues.flatMap(fromZodIssue));
  const issues = validateDefinition(parsed.data);
  if (issues.length > 0) throw new DefinitionError(issues);
  return parsed.data;
}

function parseYaml(text: string): unknown {
  const reading = readYamlDocument(text);
  if (reading.ok) return reading.value;
  const { failure } = reading;
  throw syntaxError(
    failure.kind === 'syntax' ? `YAML syntax error at line ${failure.line}, column ${failure.column}: ${failure.message}` : `YAML error: ${failure.message}`,
  );
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    const offset = /at position (\d+)/.exec(message)?.[1];
    // V8 may quote (part of) the input and repeat the position; keep the reason only, on one line.
    const reason = (message.split('\n')[0] ?? message)
      .replace(/, (\.\.\.)?".*$/, '')
      .replace(/ (in JSON )?at position \d+.*$/, '');
    if (offset === undefined) throw syntaxError(`JSON syntax error: ${reason}`);
    const before = text.slice(0, Number(offset)).split('\n');
    const column = (before[before.length - 1]?.length ?? 0) + 1;
    throw syntaxError(`JSON syntax error at line ${before.length}, column ${column}: ${reason}`);
  }
}

function syntaxError(message: string): DefinitionError {
  return new DefinitionError([{ path: '', message }]);
}

/** zod's issues, reworded where its default text does not help a definition author. */
function fromZodIssue(issue: z.core.$ZodIssue): DefinitionIssue[] {
  const path = formatPath(issue.path);
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((key) => ({ path, message: `unknown field "${key}"` }));
    case 'invalid_union':
      // A discriminated union (task `type`) whose value matches no option.
      if (issue.discriminator !== undefined && 'options' in issue && issue.options) {
        return [{ path, message: `must be one of ${issue.options.map((o) => JSON.stringify(o)).join(', ')}` }];
      }
      return [{ path, message: issue.message }];
    default:
      return [{ path, message: issue.message }];
  }
}
