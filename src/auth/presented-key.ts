/**
 * The API key a caller presents, the same way over HTTP (request headers) and NATS (message
 * headers): `Authorization: Bearer <key>` or `X-API-Key: <key>`, and both must agree when both are
 * sent. The edges read the header values; what is missing or unknown they word themselves.
 */
import { Unauthenticated } from '../errors/problems';

const BEARER = /^Bearer[ ]+([^\s]+)\s*$/i;

/** The key of an `Authorization: Bearer <key>` value; throws `Unauthenticated` for any other value. */
export function bearerKey(authorization: string | undefined): string | undefined {
  if (authorization === undefined) return undefined;
  const match = BEARER.exec(authorization);
  if (!match?.[1]) throw new Unauthenticated('the Authorization header must be "Bearer <key>"');
  return match[1];
}

/** The one key presented (the bearer's first); throws `Unauthenticated` when the two disagree. */
export function presentedKey(bearer: string | undefined, apiKey: string | undefined): string | undefined {
  if (bearer !== undefined && apiKey !== undefined && bearer !== apiKey) throw new Unauthenticated('Authorization and X-API-Key carry different keys');
  return bearer ?? apiKey;
}
