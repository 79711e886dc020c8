/**
 * Well-formed UTF-16: text that protobuf can encode as UTF-8. A JS string may hold a lone surrogate
 * (JSON's `"\udfff"` decodes to one); in a protobuf string field (an activity id, a failure message)
 * it makes the worker's completion undecodable, and the SDK's core then shuts the worker down.
 */

/** `text` with every lone surrogate replaced by U+FFFD; well-formed text comes back unchanged. */
export function wellFormed(text: string): string {
  return (text as string & { toWellFormed(): string }).toWellFormed();
}
