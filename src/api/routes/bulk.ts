/**
 * Bulk operations (docs/design.md §9): `POST /api/v1/executions/bulk` starts one (or answers its dry
 * run), `GET /api/v1/bulk/{bulk_id}` reads its progress. The caller needs the permission of the action
 * (and `executions:read` to select by query).
 */
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginCallbackZod } from 'fastify-type-provider-zod';
import { Permission } from '../../auth/permissions';
import type { BulkService } from '../../bulk/bulk-service';
import { Forbidden } from '../../errors/problems';
import { callerOf } from '../auth/authentication';
import { BulkBodySchema, BulkDryRunSchema, BulkParamsSchema, BulkProgressQuerySchema, BulkProgressSchema, BulkStartedSchema } from '../schemas/bulk';
import { problemResponses } from '../schemas/problem';

export interface BulkRoutesOptions {
  bulk: BulkService;
}

const ACTION_PERMISSION = { pause: Permission.ExecutionPause, resume: Permission.ExecutionResume, cancel: Permission.ExecutionCancel } as const;

function requirePermission(request: FastifyRequest, permission: Permission): void {
  if (!request.principal.permissions.has(permission)) throw new Forbidden(request.principal.name, permission);
}

export const bulkRoutes: FastifyPluginCallbackZod<BulkRoutesOptions> = (app, { bulk }, done) => {
  app.post(
    '/api/v1/executions/bulk',
    {
      schema: {
        tags: ['commands'],
        summary: 'Pause, resume or cancel many executions',
        description:
          'By `ids` or by a visibility `query`. `dry_run: true` counts the selection and shows a sample (for a resume, each plan). ' +
          'Otherwise 202 with a `bulk_id`: a Temporal workflow applies the command at most `rate_per_s` a second, and survives ' +
          'restarts of API and workers. Needs the permission of the action (`execution:pause`, `execution:resume`, `execution:cancel`).',
        body: BulkBodySchema,
        response: { 200: BulkDryRunSchema, 202: BulkStartedSchema, ...problemResponses(400, 401, 403, 503) },
      },
    },
    async (request, reply) => {
      const body = request.body;
      requirePermission(request, ACTION_PERMISSION[body.action]);
      if (body.query !== undefined) requirePermission(request, Permission.ExecutionsRead);
      const bulkRequest = {
        action: body.action,
        ...(body.command != null && { command: body.command as Record<string, unknown> }),
        ...(body.ids !== undefined && { ids: body.ids }),
        ...(body.query !== undefined && { query: body.query }),
        ...(body.rate_per_s !== undefined && { rate_per_s: body.rate_per_s }),
      };
      if (body.dry_run) return reply.code(200).send(await bulk.dryRun(bulkRequest, callerOf(request)));
      const { bulk_id } = await bulk.start(bulkRequest, callerOf(request));
      return reply.code(202).send({ bulk_id, links: { self: `/api/v1/bulk/${bulk_id}` } });
    },
  );

  app.get(
    '/api/v1/bulk/:bulkId',
    {
      config: { permission: Permission.ExecutionsRead },
      schema: {
        tags: ['commands'],
        summary: 'Progress of a bulk operation',
        description: 'Counts and a page of per-execution outcomes (each refusal with its problem); also after it ended.',
        params: BulkParamsSchema,
        querystring: BulkProgressQuerySchema,
        response: { 200: BulkProgressSchema, ...problemResponses(400, 401, 403, 404, 503) },
      },
    },
    async (request) => bulk.progress(request.params.bulkId, request.query),
  );
  done();
};
