/**
 * JSON with object keys sorted, so equal values give equal text whatever their key order. Used to
 * compare definition bodies in the registry and to fingerprint trigger requests (their hashes are
 * kept in execution memos, so the output must never change: docs/decisions.md "Canonical JSON").
 * Runs in the workflow sandbox and in Node alike.
 */

/** `value` as JSON with every object's keys in sorted order; `undefined` members are dropped. */
export function canonicalJson(value: unknown): string {
  return (
    JSON.stringify(value, (_key, v: unknown) => {
      if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
      const sorted: Record<string, unknown> = {};
      for (const key of Object.keys(v).sort()) sorted[key] = (v as Record<string, unknown>)[key];
      return sorted;
    }) ?? 'null'
  );
}
