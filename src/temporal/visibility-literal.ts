/** String literals of Temporal's visibility query language. */

/** `value` as a quoted literal of a visibility query (backslashes and quotes escaped). */
export function visibilityLiteral(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}
