/**
 * Execution ids are Temporal workflow ids of the form `<definitionId>-<uuid>`: readable in the Web UI,
 * unique, and (with an `Idempotency-Key`) derived deterministically so a replayed trigger lands on
 * the same execution.
 */
import { createHash, randomUUID } from 'node:crypto';

/** UUID namespace of idempotent execution ids (a fixed random UUID; changing it breaks idempotency). */
const IDEMPOTENT_EXECUTION_NAMESPACE = '4f6b7f0e-3c51-4b3e-9a0e-7d2f8c1b5a90';

const EXECUTION_ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,62}-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A fresh execution id for a definition. */
export function newExecutionId(definitionId: string): string {
  return `${definitionId}-${randomUUID()}`;
}

/** The execution id an `Idempotency-Key` maps to: a UUID v5 (RFC 9562) of definition id and key. */
export function idempotentExecutionId(definitionId: string, idempotencyKey: string): string {
  return `${definitionId}-${uuidV5(IDEMPOTENT_EXECUTION_NAMESPACE, `${definitionId}\n${idempotencyKey}`)}`;
}

/** Whether `id` has the shape of an execution id (anything else cannot be one). */
export function isExecutionId(id: string): boolean {
  return EXECUTION_ID_PATTERN.test(id);
}

function uuidV5(namespace: string, name: string): string {
  const namespaceBytes = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  const hash = createHash('sha1').update(namespaceBytes).update(name, 'utf8').digest();
  const bytes = hash.subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50; // version 5
  bytes[8] = (bytes[8]! & 0x3f) | 0x80; // RFC variant
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
