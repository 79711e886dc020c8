/**
 * Execution ids are Temporal workflow ids of the form `<definitionId>-<uuid>`: readable in the Web UI,
 * unique, and (with an `Idempotency-Key`) derived deterministically so a replayed trigger lands on
 * the same execution.
 */
import { randomUUID } from 'node:crypto';
import { v5 as uuidV5 } from 'uuid';

/** UUID namespace of idempotent execution ids (a fixed random UUID; changing it breaks idempotency). */
const IDEMPOTENT_EXECUTION_NAMESPACE = '4f6b7f0e-3c51-4b3e-9a0e-7d2f8c1b5a90';

/** A schedule's executions (docs/design.md §9) carry the time Temporal appends: `-2026-12-01T06:00:00Z`. */
const EXECUTION_ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,62}-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(-\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z)?$/;

/** A fresh execution id for a definition. */
export function newExecutionId(definitionId: string): string {
  return `${definitionId}-${randomUUID()}`;
}

/** The execution id an `Idempotency-Key` maps to: a UUID v5 (RFC 9562) of definition id and key. */
export function idempotentExecutionId(definitionId: string, idempotencyKey: string): string {
  // As UTF-8 bytes: the package encodes a string name with encodeURIComponent, which throws on a lone
  // surrogate where Buffer (and every id issued so far) writes U+FFFD.
  const name = Buffer.from(`${definitionId}\n${idempotencyKey}`, 'utf8');
  return `${definitionId}-${uuidV5(name, IDEMPOTENT_EXECUTION_NAMESPACE)}`;
}

/** Whether `id` has the shape of an execution id (anything else cannot be one). */
export function isExecutionId(id: string): boolean {
  return EXECUTION_ID_PATTERN.test(id);
}
