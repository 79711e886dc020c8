/** Schemas of the health endpoints. */
import { z } from 'zod';

export const HealthResponseSchema = z.object({ status: z.literal('ok') });

export const ReadinessResponseSchema = z.object({
  status: z.literal('ready'),
  task_queue: z.string(),
  pollers: z.object({
    workflow: z.number().int().describe('Workers polling workflow tasks (interpreter, registry)'),
    activity: z.number().int().describe('Workers polling activity tasks (tools)'),
  }),
});
export type ReadinessResponse = z.infer<typeof ReadinessResponseSchema>;
