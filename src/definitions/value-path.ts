/**
 * Paths into definition documents and values, written the way a reader would type them:
 * `tasks[2].on_success.next`, `with.body.order`, `outputs["charge-id"]`.
 *
 * Imported by workflow code (through templates): no Node built-ins here.
 */

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Appends one key or index to a formatted path (`''` is the root). */
export function appendPath(base: string, segment: string | number): string {
  if (typeof segment === 'number') return `${base}[${segment}]`;
  if (IDENTIFIER.test(segment)) return base === '' ? segment : `${base}.${segment}`;
  return `${base}[${JSON.stringify(segment)}]`;
}

/** Formats a list of keys and indexes (as zod and Ajv report them) as a path. */
export function formatPath(segments: readonly PropertyKey[]): string {
  let path = '';
  for (const segment of segments) {
    path = appendPath(path, typeof segment === 'symbol' ? String(segment) : segment);
  }
  return path;
}
