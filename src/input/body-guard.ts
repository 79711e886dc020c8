/**
 * Checks every parsed request body (REST JSON and YAML, NATS command messages) before anything reads
 * it, so that input no later step can handle safely is refused at the edge with a problem instead of
 * failing deep inside (a stack overflow serializing it, a prototype swap merging it, a number turned
 * into `null` on its way to Temporal):
 *
 * - nesting deeper than `MAX_BODY_DEPTH` levels → `BodyTooDeep` (400 `body_too_deep`);
 * - a `__proto__` key, or `constructor.prototype` → `ValidationFailed` (400 `validation_error`);
 * - a number JSON cannot carry (`1e999` parses to Infinity, YAML's `.nan`) → `ValidationFailed`.
 *
 * The walk is iterative, so a body nested a million levels deep costs memory, never the stack. The
 * checks know no transport: REST (src/api) and NATS (src/events) both call them.
 */
import { BodyTooDeep, MalformedBody, ValidationFailed } from '../errors/problems';

/** Deepest nesting of objects and arrays a body may have; the top-level value is level 1. */
export const MAX_BODY_DEPTH = 64;

/** Keys whose assignment changes an object's prototype instead of adding a member. */
const PROTOTYPE_KEY = '__proto__';

interface Container {
  value: object;
  depth: number;
  parent: Container | undefined;
  key: string | number | undefined;
}

/**
 * Throws the problem for the first thing in `value` (a parsed body) the API does not take; `location`
 * starts every path (`body`, `body.input`).
 */
export function assertSafeBody(value: unknown, location = 'body'): void {
  if (typeof value === 'number') checkNumber(value, undefined, undefined, location);
  if (value === null || typeof value !== 'object') return;
  const stack: Container[] = [{ value, depth: 1, parent: undefined, key: undefined }];
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    if (node.depth > MAX_BODY_DEPTH) throw new BodyTooDeep(MAX_BODY_DEPTH, pathOf(node, undefined, location));
    const entries: Array<[string | number, unknown]> = Array.isArray(node.value)
      ? node.value.map((item, index) => [index, item])
      : Object.keys(node.value).map((key) => [key, (node.value as Record<string, unknown>)[key]]);
    for (const [key, child] of entries) {
      if (key === PROTOTYPE_KEY || (key === 'prototype' && node.key === 'constructor')) {
        throw new ValidationFailed([{ path: pathOf(node, key, location), message: `the key "${key}" is not accepted (it would replace an object's prototype)` }]);
      }
      if (typeof child === 'number') checkNumber(child, node, key, location);
      else if (child !== null && typeof child === 'object') stack.push({ value: child, depth: node.depth + 1, parent: node, key });
    }
  }
}

/** Decodes UTF-8 strictly: a body with invalid UTF-8 is refused, never silently repaired. */
export function decodeUtf8Body(bytes: Uint8Array, what = 'the body'): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new MalformedBody(`${what} is not valid UTF-8`);
  }
}

/**
 * Parses JSON text and checks it with `assertSafeBody`. Invalid JSON is `MalformedBody` with the line
 * and column (never an excerpt of the text: it may hold secrets).
 */
export function parseJsonBody(text: string, what = 'the body'): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new MalformedBody(`${what} is not valid JSON${positionOf(text, error)}`);
  }
  assertSafeBody(value);
  return value;
}

function checkNumber(value: number, parent: Container | undefined, key: string | number | undefined, location: string): void {
  if (Number.isFinite(value)) return;
  const path = parent === undefined ? location : pathOf(parent, key, location);
  throw new ValidationFailed([{ path, message: 'must be a finite number (JSON has no Infinity or NaN)' }]);
}

/** `body` + `tasks`, `0`, `id` → `body.tasks[0].id`. */
function pathOf(node: Container, key: string | number | undefined, location: string): string {
  const keys: Array<string | number> = key === undefined ? [] : [key];
  for (let at: Container | undefined = node; at?.key !== undefined; at = at.parent) keys.unshift(at.key);
  return keys.reduce<string>((path, k) => (typeof k === 'number' ? `${path}[${k}]` : `${path}.${k}`), location);
}

/** ` at line L, column C` from V8's "at position N" (or nothing when the message has none). */
function positionOf(text: string, error: unknown): string {
  const offset = /at position (\d+)/.exec(error instanceof Error ? error.message : '')?.[1];
  if (offset === undefined) return '';
  const before = text.slice(0, Number(offset)).split('\n');
  return ` (line ${before.length}, column ${(before.at(-1)?.length ?? 0) + 1})`;
}
