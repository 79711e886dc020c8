/**
 * Page tokens of `GET /executions`: Temporal's visibility token wrapped with a digest of the query
 * it belongs to. A token that was not issued for this query (edited, truncated, or from other
 * filters) is recognised here and refused as bad input, instead of reaching the server, which
 * answers such tokens with a retried internal error.
 */
import { createHash } from 'node:crypto';

const FORMAT_VERSION = 1;
const DIGEST_BYTES = 12;

/** Wraps a visibility token for `query`. */
export function encodePageToken(query: string, visibilityToken: Uint8Array): string {
  return Buffer.concat([Buffer.from([FORMAT_VERSION]), digest(query, visibilityToken), visibilityToken]).toString('base64url');
}

/** The visibility token inside `token`, or `undefined` when it was not issued for `query`. */
export function decodePageToken(query: string, token: string): Uint8Array | undefined {
  const bytes = Buffer.from(token, 'base64url');
  if (bytes.length <= 1 + DIGEST_BYTES || bytes[0] !== FORMAT_VERSION) return undefined;
  const visibilityToken = bytes.subarray(1 + DIGEST_BYTES);
  const expected = digest(query, visibilityToken);
  return expected.equals(bytes.subarray(1, 1 + DIGEST_BYTES)) ? visibilityToken : undefined;
}

function digest(query: string, visibilityToken: Uint8Array): Buffer {
  return createHash('sha256').update(query).update('\0').update(visibilityToken).digest().subarray(0, DIGEST_BYTES);
}
