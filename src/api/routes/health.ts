/** `GET /healthz` (the process is up) and `GET /readyz` (Temporal reachable, a worker polling). */
import type { Client } from '@temporalio/client';
import type { FastifyPluginCallbackZod } from 'fastify-type-provider-zod';
import { checkReadiness } from '../readiness';
import { HealthResponseSchema, ReadinessResponseSchema } from '../schemas/health';
import { problemResponses } from '../schemas/problem';

export interface HealthRoutesOptions {
  client: Client;
  taskQueue: string;
}

export const healthRoutes: FastifyPluginCallbackZod<HealthRoutesOptions> = (app, { client, taskQueue }, done) => {
  app.get(
    '/healthz',
    { schema: { tags: ['health'], summary: 'Liveness: the process is up', security: [], response: { 200: HealthResponseSchema } } },
    () => ({ status: 'ok' as const }),
  );

  app.get(
    '/readyz',
    {
      schema: {
        tags: ['health'],
        summary: 'Readiness: Temporal reachable and a worker polling the task queue',
        security: [],
        response: { 200: ReadinessResponseSchema, ...problemResponses(503) },
      },
    },
    () => checkReadiness(client, taskQueue),
  );
  done();
};
