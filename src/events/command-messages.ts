/**
 * Bodies of NATS command messages (JSON) and the replies. The fields are the REST bodies' (docs/design.md
 * §4), plus `execution_id` where the subject may not carry one and `dry_run` for resume. Values the
 * workflow validates itself (modes, decisions, resume data, tasks, context) are passed through to its
 * validator, so a bad one is refused by the execution like a signal is, and journaled
 * (`command-rejections.ts`); unknown fields are refused here.
 */
import { z } from 'zod';
import type { ProblemDocument } from '../errors/problems';
import { IdempotencyKeySchema } from '../executions/idempotency-key';
import { DefinitionVersionSchema } from '../definitions/schema';

const ExecutionIdField = z.string().min(1).max(255).optional().describe('When the subject names no execution (or task commands, to skip the look-up)');

export const TriggerMessageSchema = z.strictObject({
  input: z.unknown().optional(),
  version: DefinitionVersionSchema.optional(),
});

export const PauseMessageSchema = z.strictObject({
  execution_id: ExecutionIdField,
  reason: z.unknown().optional(),
  mode: z.unknown().optional(),
});

export const ResumeMessageSchema = z.strictObject({
  execution_id: ExecutionIdField,
  mode: z.unknown().optional(),
  tasks: z.unknown().optional(),
  context: z.unknown().optional(),
  reason: z.unknown().optional(),
  dry_run: z.boolean().optional().describe('Answer the plan; change nothing'),
});

export const CancelMessageSchema = z.strictObject({ execution_id: ExecutionIdField });

export const TaskResumeMessageSchema = z.strictObject({
  execution_id: ExecutionIdField,
  resume_data: z.unknown().optional(),
});

export const DecideMessageSchema = z.strictObject({
  execution_id: ExecutionIdField,
  decision: z.unknown(),
  comment: z.string().max(2000).optional(),
  data: z.unknown().optional(),
});

/** The `Idempotency-Key` message header, as REST takes it. */
export const IdempotencyKeyHeaderSchema = IdempotencyKeySchema;

/** The reply to a command (on the message's reply subject). */
export type CommandReply =
  | { ok: true; command: string; result: unknown }
  | { ok: false; command: string | null; problem: ProblemDocument };

/** Header on every reply: the HTTP status REST would have answered. */
export const REPLY_STATUS_HEADER = 'Cadenza-Status';
