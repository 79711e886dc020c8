/**
 * Authentication and authorization of every request, before its body is read. A route names the
 * permission it needs in its config (`config: { permission }`); any other `/api/` URL (including
 * unknown ones) needs a valid key; everything else (`/healthz`, `/readyz`, `/docs`) is open.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Forbidden, Unauthenticated } from '../../errors/problems';
import { anonymousPrincipal, type ApiKeyRegistry, type Principal, unauthenticatedPrincipal } from '../../auth/api-key-registry';
import { bearerKey, presentedKey } from '../../auth/presented-key';
import type { Permission } from '../../auth/permissions';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** What a caller needs to use the route. */
    permission?: Permission;
    /** The route needs no API key: its URL is the credential (callback URLs, docs/design.md §9). */
    keyless?: boolean;
  }
  interface FastifyRequest {
    /** The caller; the anonymous principal when auth is off. */
    principal: Principal;
  }
}

const API_PREFIX = '/api/';

/** Installs the `onRequest` hook that sets `request.principal` and enforces route permissions. */
export function registerAuthentication(app: FastifyInstance, keys: ApiKeyRegistry): void {
  // Reference-type decorators must start as null; the hook sets one on every request.
  app.decorateRequest('principal', null as unknown as Principal);
  app.addHook('onRequest', (request, _reply, done) => {
    try {
      authorize(request, keys);
      done();
    } catch (error) {
      done(error as Error);
    }
  });
}

function authorize(request: FastifyRequest, keys: ApiKeyRegistry): void {
  const permission = request.routeOptions.config.permission;
  if (request.routeOptions.config.keyless === true || (permission === undefined && !request.url.startsWith(API_PREFIX))) {
    request.principal = keys.enabled ? unauthenticatedPrincipal : anonymousPrincipal;
    return;
  }
  const principal = keys.enabled ? authenticate(request, keys) : anonymousPrincipal;
  request.principal = principal;
  if (permission !== undefined && !principal.permissions.has(permission)) throw new Forbidden(principal.name, permission);
}

function authenticate(request: FastifyRequest, keys: ApiKeyRegistry): Principal {
  const presented = requestKey(request);
  if (presented === undefined) throw new Unauthenticated('send an API key: "Authorization: Bearer <key>" or "X-API-Key: <key>"');
  const principal = keys.authenticate(presented);
  if (principal === undefined) throw new Unauthenticated('the API key is not valid');
  return principal;
}

/** The key from `Authorization: Bearer` or `X-API-Key`; both must agree when both are sent. */
function requestKey(request: FastifyRequest): string | undefined {
  const bearer = bearerKey(request.headers.authorization);
  const header = request.headers['x-api-key'];
  if (Array.isArray(header)) throw new Unauthenticated('send one X-API-Key header');
  const key = presentedKey(bearer, header?.trim());
  return key === '' ? undefined : key;
}

/** The command caller of a request: its principal's name and roles. */
export function callerOf(request: FastifyRequest): { actor: string; roles: readonly string[] } {
  return { actor: request.principal.name, roles: request.principal.roles };
}
