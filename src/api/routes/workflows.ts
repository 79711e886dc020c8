/**
 * Definitions (`/api/v1/workflows`): list (paged), read, register (PUT, JSON or YAML) and validate.
 * Stored durably in one entity workflow per definition through `DefinitionStore`.
 */
import type { FastifyPluginCallbackZod } from 'fastify-type-provider-zod';
import { DefinitionError } from '../../definitions/definition-error';
import { assertDefinitionSize } from '../../definitions/definition-size';
import { validateDefinitionObject } from '../../definitions/parse';
import type { Definition } from '../../definitions/schema';
import type { DefinitionStore } from '../../definitions/store';
import type { ScheduleService } from '../../schedules/schedule-service';
import { PutOutcome, type StoredDefinition } from '../../workflows/registry-messages';
import { Permission } from '../../auth/permissions';
import { DefinitionInvalid, WorkflowNotFound } from '../../errors/problems';
import { problemResponses } from '../schemas/problem';
import {
  DefinitionBodySchema,
  GetWorkflowQuerySchema,
  ListWorkflowsQuerySchema,
  ListWorkflowsResponseSchema,
  PutWorkflowResponseSchema,
  StoredWorkflowSchema,
  ValidateWorkflowResponseSchema,
  WorkflowIdParamsSchema,
} from '../schemas/workflows';

export interface WorkflowRoutesOptions {
  definitions: DefinitionStore;
  /** Keeps each definition's Temporal Schedule in step with its latest version (docs/design.md §9). */
  schedules?: ScheduleService;
}

const BASE = '/api/v1/workflows';
const tags = ['workflows'];
const bodyContentTypes = 'JSON (`application/json`) or YAML (`application/yaml`, `text/yaml`)';

export const workflowRoutes: FastifyPluginCallbackZod<WorkflowRoutesOptions> = (app, { definitions, schedules }, done) => {
  app.get(
    BASE,
    {
      config: { permission: Permission.WorkflowsRead },
      schema: {
        tags,
        summary: 'List definitions (latest version of each), by id, in pages',
        description: 'Pages hold `limit` definitions in id order; follow `next_page_token` (as `page_token`) until it is `null`.',
        querystring: ListWorkflowsQuerySchema,
        response: { 200: ListWorkflowsResponseSchema, ...problemResponses(400, 401, 403, 503) },
      },
    },
    async (request) => {
      const { limit, page_token: pageToken } = request.query;
      const page = await definitions.list({ ...(limit ? { limit } : {}), ...(pageToken ? { pageToken } : {}) });
      return {
        items: page.items.map((s) => ({ ...s, links: { self: `${BASE}/${s.id}`, executions: `${BASE}/${s.id}/executions` } })),
        next_page_token: page.next_page_token,
      };
    },
  );

  app.get(
    `${BASE}/:id`,
    {
      config: { permission: Permission.WorkflowsRead },
      schema: {
        tags,
        summary: 'Read a definition (latest, or `?version=N`)',
        params: WorkflowIdParamsSchema,
        querystring: GetWorkflowQuerySchema,
        response: { 200: StoredWorkflowSchema, ...problemResponses(400, 401, 403, 404, 503) },
      },
    },
    async (request) => {
      const { id } = request.params;
      const { version } = request.query;
      const stored = await definitions.get(id, version);
      if (!stored) throw new WorkflowNotFound(id, version);
      return present(stored);
    },
  );

  app.put(
    `${BASE}/:id`,
    {
      config: { permission: Permission.WorkflowsWrite },
      schema: {
        tags,
        summary: 'Register a definition version',
        description:
          `Body: ${bodyContentTypes}. \`id\` must equal the path id or be absent. Without \`version\` the next version is ` +
          'assigned, unless the body equals the latest (200, unchanged). An existing version with an identical body is 200 ' +
          'unchanged; with a different body 409 version_conflict. A new version is 201.',
        params: WorkflowIdParamsSchema,
        body: DefinitionBodySchema,
        response: { 200: PutWorkflowResponseSchema, 201: PutWorkflowResponseSchema, ...problemResponses(400, 401, 403, 409, 413, 415, 422, 503) },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const body = request.body;
      if (body.id !== undefined && body.id !== id) {
        throw new DefinitionInvalid([{ path: 'id', message: `must be "${id}" (the id in the URL) or absent` }]);
      }
      const definition = validate({ ...body, id });
      const result = await definitions.put(definition);
      await schedules?.sync(result.stored.definition);
      const created = result.outcome === PutOutcome.Created;
      const { version } = result.stored.definition;
      return reply
        .code(created ? 201 : 200)
        .header('location', `${BASE}/${id}?version=${version}`)
        .send({ ...present(result.stored), outcome: result.outcome });
    },
  );

  app.post(
    `${BASE}/validate`,
    {
      config: { permission: Permission.WorkflowsRead },
      schema: {
        tags,
        summary: 'Validate a definition without storing it',
        description: `Body: ${bodyContentTypes}. 200 \`{valid: true}\`, or 422 definition_invalid listing every issue.`,
        body: DefinitionBodySchema,
        response: { 200: ValidateWorkflowResponseSchema, ...problemResponses(400, 401, 403, 413, 415, 422) },
      },
    },
    (request) => {
      validate(request.body);
      return { valid: true as const };
    },
  );
  done();
};

/** Full validation (schema, static checks, size); `definition_invalid` with every issue, or `definition_too_large`. */
function validate(body: unknown): Definition {
  let definition: Definition;
  try {
    definition = validateDefinitionObject(body);
  } catch (error) {
    if (error instanceof DefinitionError) throw new DefinitionInvalid([...error.issues]);
    throw error;
  }
  assertDefinitionSize(definition);
  return definition;
}

function present(stored: StoredDefinition) {
  const { definition } = stored;
  return { id: definition.id, version: definition.version, registered_at: stored.registered_at, definition };
}
