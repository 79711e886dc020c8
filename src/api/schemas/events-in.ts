/** Schemas of events in and callback URLs (docs/design.md §9). */
import { z } from 'zod';
import { EventNameSchema } from '../../definitions/schema';
import { EventIdSchema, EventKeySchema } from '../../events-in/event-message';

export const EventBodySchema = z
  .strictObject({
    name: EventNameSchema.describe('Event name: triggers name it in `event`, correlated waits in `wait_for`'),
    key: EventKeySchema.optional().describe('Correlation key: resumes the waits whose `correlate` gives this value'),
    payload: z.unknown().optional().describe('Any JSON: the trigger input (or what its mapping reads), the resume data of a correlated wait'),
    id: EventIdSchema.optional().describe('Deduplication id: the same id again starts and resumes nothing new (a random one when omitted)'),
  })
  .meta({ id: 'InboundEvent' });

const ResumedSchema = z.object({ execution_id: z.string(), task_id: z.string(), task_exec_id: z.string() });

export const EventResponseSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    key: z.string().nullable(),
    started: z
      .array(z.object({ workflow_id: z.string(), workflow_version: z.number().int(), execution_id: z.string(), deduplicated: z.boolean() }))
      .describe('Executions its triggers started; `deduplicated`: started by this event id before'),
    skipped: z.array(z.object({ workflow_id: z.string(), reason: z.string(), problem: z.string().optional() })).describe('Triggers that name the event but did not start'),
    resumed: z.array(ResumedSchema).describe('Correlated waits it resumed'),
    kept: z.boolean().describe('No correlated wait took it: kept (CADENZA_EVENT_KEEP) for the wait that comes'),
    duplicate: z.boolean().describe('The id was seen before: `resumed`/`kept` are the first answer'),
  })
  .meta({ id: 'EventRouting' });

export const CallbackParamsSchema = z.strictObject({
  token: z.string().min(1).max(600).describe('The token of a `callback_url`'),
});

export const CallbackBodySchema = z
  .strictObject({
    resume_data: z.unknown().optional().describe('wait task: the data it resumes with (its output)'),
    decision: z.enum(['approve', 'reject']).optional().describe('approval: the decision'),
    comment: z.string().max(4096).optional(),
    data: z.unknown().optional().describe("approval: checked against the task's `decision_schema`"),
  })
  .nullish();

export const CallbackResponseSchema = z
  .object({
    execution_id: z.string(),
    task_id: z.string(),
    task_exec_id: z.string(),
    kind: z.enum(['wait', 'approval']),
    accepted_at: z.string(),
    resume_data: z.unknown().optional(),
    decision: z.object({ decision: z.enum(['approve', 'reject']), comment: z.string().nullable(), data: z.unknown() }).optional(),
  })
  .meta({ id: 'CallbackAnswer' });

export const RevokeCallbackParamsSchema = z.strictObject({
  id: z.string().min(1).max(255),
  taskExecId: z.string().min(1).max(64),
});

export const RevokeCallbackResponseSchema = z.object({ task_exec_id: z.string(), revoked: z.literal(true) });
