/**
 * A stable hash of a trigger request, kept in the execution's memo, so a replayed `Idempotency-Key`
 * can tell "the same request again" from "the key reused for a different request".
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../workflows/canonical-json';

/** SHA-256 (hex) of the value as JSON with object keys sorted; `undefined` members are ignored. */
export function fingerprintRequest(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}
