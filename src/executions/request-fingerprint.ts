/**
 * A stable hash of a trigger request, kept in the execution's memo, so a replayed `Idempotency-Key`
 * can tell "the same request again" from "the key reused for a different request".
 */
import { createHash } from 'node:crypto';

/** SHA-256 (hex) of the value as JSON with object keys sorted; `undefined` members are ignored. */
export function fingerprintRequest(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}

function canonicalJson(value: unknown): string {
  return (
    JSON.stringify(value, (_key, v: unknown) => {
      if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
      const sorted: Record<string, unknown> = {};
      for (const key of Object.keys(v).sort()) sorted[key] = (v as Record<string, unknown>)[key];
      return sorted;
    }) ?? 'null'
  );
}
