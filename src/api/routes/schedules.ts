/**
 * Schedules (docs/design.md §9): a definition's `schedule:` is a Temporal Schedule, listed here and
 * paused or resumed with the definition.
 */
import { z } from 'zod';
import type { FastifyPluginCallbackZod } from 'fastify-type-provider-zod';
import { Permission } from '../../auth/permissions';
import type { ScheduleService } from '../../schedules/schedule-service';
import { problemResponses } from '../schemas/problem';
import { WorkflowIdParamsSchema } from '../schemas/workflows';

export interface ScheduleRoutesOptions {
  schedules: ScheduleService;
}

const ScheduleSchema = z
  .object({
    workflow_id: z.string(),
    schedule_id: z.string().describe('The Temporal Schedule (`temporal schedule describe --schedule-id`)'),
    workflow_version: z.number().int().nullable().describe('The definition version its runs start'),
    paused: z.boolean(),
    note: z.string().nullable(),
    spec: z.object({ cron: z.string().nullable(), every: z.string().nullable(), timezone: z.string().nullable() }),
    next_runs: z.array(z.string()),
    recent_runs: z.array(z.object({ execution_id: z.string(), scheduled_at: z.string() })),
  })
  .meta({ id: 'Schedule' });

const NoteBodySchema = z.strictObject({ note: z.string().max(1000).optional() }).nullish();

const tags = ['workflows'];

export const scheduleRoutes: FastifyPluginCallbackZod<ScheduleRoutesOptions> = (app, { schedules }, done) => {
  app.get(
    '/api/v1/schedules',
    {
      config: { permission: Permission.WorkflowsRead },
      schema: { tags, summary: 'Every definition schedule', response: { 200: z.object({ items: z.array(ScheduleSchema) }), ...problemResponses(401, 403, 503) } },
    },
    async () => ({ items: await schedules.list() }),
  );
  app.get(
    '/api/v1/workflows/:id/schedule',
    {
      config: { permission: Permission.WorkflowsRead },
      schema: { tags, summary: "A definition's schedule", params: WorkflowIdParamsSchema, response: { 200: ScheduleSchema, ...problemResponses(400, 401, 403, 404, 503) } },
    },
    async (request) => schedules.describe(request.params.id),
  );
  for (const action of ['pause', 'resume'] as const) {
    app.post(
      `/api/v1/workflows/:id/schedule/${action}`,
      {
        config: { permission: Permission.WorkflowsWrite },
        schema: {
          tags,
          summary: `${action === 'pause' ? 'Pause' : 'Resume'} a definition's schedule`,
          description: action === 'pause' ? 'No new runs start until it is resumed; running executions go on.' : 'Runs start again at the next due time.',
          params: WorkflowIdParamsSchema,
          body: NoteBodySchema,
          response: { 200: ScheduleSchema, ...problemResponses(400, 401, 403, 404, 503) },
        },
      },
      async (request) => {
        const note = request.body?.note;
        return action === 'pause' ? schedules.pause(request.params.id, note) : schedules.resume(request.params.id, note);
      },
    );
  }
  done();
};
