/** Schemas of the definitions endpoints (`/api/v1/workflows`). */
import { z } from 'zod';
import { DEFAULT_DEFINITIONS_PAGE, MAX_DEFINITIONS_PAGE } from '../../definitions/definition-listing';
import { DefinitionIdSchema, MAX_DEFINITION_VERSION } from '../../definitions/schema';

/**
 * A definition as the API shows it. Deliberately loose here (the DSL is validated by
 * `validateDefinitionObject`, which reports `definition_invalid` with paths): this documents the shape.
 */
export const WorkflowDefinitionSchema = z
  .looseObject({
    id: DefinitionIdSchema,
    version: z.number().int().min(1),
    name: z.string().optional(),
    description: z.string().optional(),
    input: z.record(z.string(), z.unknown()).optional().describe('JSON Schema of the trigger input'),
    config: z.record(z.string(), z.unknown()).optional(),
    tasks: z.array(z.looseObject({ id: z.string(), type: z.string() })),
    outputs: z.record(z.string(), z.unknown()).optional(),
  })
  .meta({ id: 'WorkflowDefinition', description: 'A workflow definition (docs/design.md §2)' });

/** Body of PUT and validate: a definition in JSON, or YAML with `Content-Type: application/yaml`. */
export const DefinitionBodySchema = z
  .record(z.string(), z.unknown())
  .describe('A workflow definition (docs/design.md §2). `id` may be omitted on PUT; `version` is optional (latest + 1)');

export const WorkflowIdParamsSchema = z.strictObject({ id: DefinitionIdSchema });

export const GetWorkflowQuerySchema = z.strictObject({
  version: z.coerce.number().int().min(1).max(MAX_DEFINITION_VERSION).optional().describe('A specific version; the latest when omitted'),
});

export const StoredWorkflowSchema = z.object({
  id: z.string(),
  version: z.number().int(),
  registered_at: z.string().describe('When this version was stored (ISO-8601)'),
  definition: WorkflowDefinitionSchema,
});

export const PutWorkflowResponseSchema = StoredWorkflowSchema.extend({
  outcome: z.enum(['created', 'unchanged']).describe('created (201) or unchanged (200: an identical version exists)'),
});

export const WorkflowSummarySchema = z.object({
  id: z.string(),
  version: z.number().int().describe('Latest version'),
  name: z.string().nullable(),
  description: z.string().nullable(),
  versions: z.array(z.number().int()),
  registered_at: z.string(),
  links: z.object({ self: z.string(), executions: z.string() }),
});

export const ListWorkflowsQuerySchema = z.strictObject({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_DEFINITIONS_PAGE)
    .optional()
    .describe(`Definitions per page, 1 to ${MAX_DEFINITIONS_PAGE} (default ${DEFAULT_DEFINITIONS_PAGE})`),
  page_token: z
    .string()
    .max(200)
    .regex(/^[A-Za-z0-9_-]+$/, 'must be a next_page_token returned by this endpoint')
    .optional()
    .describe('The `next_page_token` of the previous page'),
});

export const ListWorkflowsResponseSchema = z.object({
  items: z.array(WorkflowSummarySchema),
  next_page_token: z.string().nullable().describe('Pass as `page_token` for the next page (ids continue in order); `null` on the last page'),
});

export const ValidateWorkflowResponseSchema = z.object({ valid: z.literal(true) });
