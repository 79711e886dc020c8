/**
 * `{{ expr }}` templates in task inputs (`with`) and execution `outputs` (docs/design.md §2).
 *
 * A string that is exactly one template keeps the value's type (`"{{ input.amount }}"` gives a number);
 * a template inside other text is interpolated (strings as they are, anything else as JSON).
 * The expressions are CEL (see `./expressions`); there is no other evaluation.
 *
 * Imported by workflow code: no Node built-ins here.
 */
import type { JsonValue } from './cel-values';
import { compileExpression, ExpressionError, PreparedScope, type ExpressionScope } from './expressions';
import { appendPath } from './value-path';

/** A template that is malformed or whose expression fails; the message starts with the value's path. */
export class TemplateError extends Error {
  override readonly name = 'TemplateError';

  constructor(
    /** Where the template sits, e.g. `with.body.order` (empty for the root value). */
    readonly path: string,
    /** The expression inside `{{ }}`, when the template got that far. */
    readonly expression: string | undefined,
    /** The problem, without the path. */
    readonly reason: string,
    /** The `ExpressionError` behind an expression failure. */
    override readonly cause?: ExpressionError,
  ) {
    super(path === '' ? reason : `${path}: ${reason}`);
  }
}

/** One `{{ }}` found in a value. */
export interface TemplateExpression {
  /** Where the string holding it sits, e.g. `with.body.order`. */
  path: string;
  /** The CEL source between the braces, trimmed. */
  expression: string;
}

/**
 * Evaluates every template in `value` (walking objects and arrays) and returns the result as JSON.
 * `path` names `value` in error messages (e.g. `with`). Throws `TemplateError`.
 */
export function renderTemplate(value: unknown, scope: ExpressionScope | PreparedScope, path = ''): JsonValue {
  const prepared = scope instanceof PreparedScope ? scope : new PreparedScope(scope);
  return renderValue(value, prepared, path);
}

/** Lists every template expression in `value`, for static validation. Throws `TemplateError` when one is malformed. */
export function findTemplateExpressions(value: unknown, path = ''): TemplateExpression[] {
  const found: TemplateExpression[] = [];
  walkStrings(value, path, (text, at) => {
    for (const part of splitTemplate(text, at)) {
      if (typeof part !== 'string') found.push({ path: at, expression: part.expression });
    }
  });
  return found;
}

interface ExpressionPart {
  expression: string;
}

function renderValue(value: unknown, scope: PreparedScope, path: string): JsonValue {
  if (typeof value === 'string') return renderString(value, scope, path);
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) return value.map((item, i) => renderValue(item, scope, appendPath(path, i)));
  if (typeof value === 'object') {
    const entries = Object.entries(value).filter(([, item]) => item !== undefined);
    return Object.fromEntries(entries.map(([key, item]) => [key, renderValue(item, scope, appendPath(path, key))]));
  }
  return value as JsonValue;
}

function renderString(text: string, scope: PreparedScope, path: string): JsonValue {
  const parts = splitTemplate(text, path);
  const [only] = parts;
  if (parts.length === 1 && only !== undefined && typeof only !== 'string') return evaluate(only, scope, path);
  let out = '';
  for (const part of parts) {
    if (typeof part === 'string') {
      out += part;
    } else {
      const result = evaluate(part, scope, path);
      out += typeof result === 'string' ? result : JSON.stringify(result);
    }
  }
  return out;
}

function evaluate({ expression }: ExpressionPart, scope: PreparedScope, path: string): JsonValue {
  try {
    return compileExpression(expression).evaluate(scope);
  } catch (error) {
    if (error instanceof ExpressionError) throw new TemplateError(path, expression, error.message, error);
    throw error;
  }
}

function walkStrings(value: unknown, path: string, visit: (text: string, path: string) => void): void {
  if (typeof value === 'string') visit(value, path);
  else if (Array.isArray(value)) value.forEach((item, i) => walkStrings(item, appendPath(path, i), visit));
  else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) walkStrings(item, appendPath(path, key), visit);
  }
}

/**
 * Splits text into literal strings and `{{ }}` expressions. The closing `}}` is searched outside CEL
 * string literals and map braces, so `{{ {"a": {"b": 1}} }}` and `{{ "}}" }}` work.
 */
function splitTemplate(text: string, path: string): (string | ExpressionPart)[] {
  const parts: (string | ExpressionPart)[] = [];
  let from = 0;
  for (;;) {
    const open = text.indexOf('{{', from);
    if (open < 0) {
      if (from < text.length || parts.length === 0) parts.push(text.slice(from));
      return parts;
    }
    if (open > from) parts.push(text.slice(from, open));
    const close = findClose(text, open + 2);
    if (close < 0) {
      throw new TemplateError(path, undefined, `unterminated template: "{{" at offset ${open} has no matching "}}"`);
    }
    const expression = text.slice(open + 2, close).trim();
    if (expression === '') throw new TemplateError(path, expression, 'empty template "{{ }}"');
    parts.push({ expression });
    from = close + 2;
  }
}

/** Offset of the `}}` that ends the expression starting at `start`, or -1. */
function findClose(text: string, start: number): number {
  let depth = 0;
  let i = start;
  while (i < text.length) {
    const c = text[i];
    if (c === '"' || c === "'") {
      i = skipString(text, i);
      continue;
    }
    if (c === '{') depth++;
    else if (c === '}') {
      if (depth === 0 && text[i + 1] === '}') return i;
      if (depth > 0) depth--;
    }
    i++;
  }
  return -1;
}

/** Offset just after the CEL string literal that opens at `start` (single, double or triple quoted, maybe raw). */
function skipString(text: string, start: number): number {
  const c = text[start] ?? '"';
  const quote = text.startsWith(c.repeat(3), start) ? c.repeat(3) : c;
  const raw = /[rR]/.test(text[start - 1] ?? '');
  let i = start + quote.length;
  while (i < text.length) {
    if (!raw && text[i] === '\\') i += 2;
    else if (text.startsWith(quote, i)) return i + quote.length;
    else i++;
  }
  return text.length;
}
