/**
 * `GET /api/v1/me`: who the caller is — the console's sign-in check, and how it knows which
 * actions to offer. Needs a valid key when auth is on, and no permission beyond that.
 */
import type { FastifyPluginCallbackZod } from 'fastify-type-provider-zod';
import { MeResponseSchema } from '../schemas/session';
import { problemResponses } from '../schemas/problem';

/** Registers `GET /api/v1/me`. */
export const sessionRoutes: FastifyPluginCallbackZod = (app, _options, done) => {
  app.get(
    '/api/v1/me',
    {
      schema: {
        tags: ['health'],
        summary: 'The caller: name, roles, permissions, and whether authentication is on',
        response: { 200: MeResponseSchema, ...problemResponses(401) },
      },
    },
    (request) => {
      const principal = request.principal;
      return {
        name: principal.name,
        roles: [...principal.roles],
        permissions: [...principal.permissions].sort(),
        authentication: principal.authenticated ? ('on' as const) : ('off' as const),
      };
    },
  );
  done();
};
