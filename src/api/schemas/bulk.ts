/** Schemas of bulk operations (docs/design.md §9). */
import { z } from 'zod';
import { PauseBodySchema, ResumeBodySchema } from './commands';

/** Most ids one request may name. */
export const MAX_BULK_IDS = 10_000;

export const BulkBodySchema = z
  .strictObject({
    action: z.enum(['pause', 'resume', 'cancel']),
    command: z.union([PauseBodySchema, ResumeBodySchema]).optional().describe('The body each execution gets: a pause body or a resume body (`mode`, `tasks`, ...)'),
    ids: z.array(z.string().min(1).max(255)).min(1).max(MAX_BULK_IDS).optional(),
    query: z
      .string()
      .min(1)
      .max(4000)
      .optional()
      .describe("A Temporal visibility query, e.g. `CadenzaWorkflowId = 'orders' AND CadenzaStatus = 'paused'`; limited to running Cadenza executions"),
    dry_run: z.boolean().default(false).describe('Count and show a sample (with each resume plan); change nothing'),
    rate_per_s: z.number().min(0.1).max(1000).optional().describe('Most commands per second (default 100)'),
  })
  .refine((b) => (b.ids === undefined) !== (b.query === undefined), { message: 'give exactly one of "ids" and "query"', path: ['ids'] })
  .meta({ id: 'BulkRequest' });

export const BulkStartedSchema = z.object({ bulk_id: z.string(), links: z.object({ self: z.string() }) });

export const BulkDryRunSchema = z.object({
  dry_run: z.literal(true),
  action: z.string(),
  count: z.number().int(),
  sample: z.array(
    z.object({
      execution_id: z.string(),
      status: z.string().nullable(),
      plan: z.object({ ok: z.boolean(), error: z.string().nullable(), missing: z.array(z.object({ task_id: z.string(), need: z.string() })) }).optional(),
    }),
  ),
});

export const BulkParamsSchema = z.strictObject({ bulkId: z.string().min(1).max(100) });

export const BulkProgressQuerySchema = z.strictObject({
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(0).max(1000).default(100),
  failed_only: z.stringbool().default(false),
});

const OutcomeSchema = z.object({
  execution_id: z.string(),
  ok: z.boolean(),
  status: z.string().nullable().optional(),
  problem: z.object({ type: z.string(), status: z.number().int(), detail: z.string() }).optional(),
});

export const BulkProgressSchema = z
  .object({
    bulk_id: z.string(),
    action: z.string(),
    phase: z.enum(['selecting', 'running', 'completed']),
    total: z.number().int(),
    done: z.number().int(),
    succeeded: z.number().int(),
    failed: z.number().int(),
    rate_per_s: z.number(),
    requested_by: z.string(),
    requested_at: z.string(),
    finished_at: z.string().nullable(),
    outcomes: z.array(OutcomeSchema),
    has_more: z.boolean(),
  })
  .meta({ id: 'BulkProgress' });
