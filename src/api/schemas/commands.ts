/** Schemas of the command endpoints: pause, resume, task resume, approvals, signals (docs/design.md §4, §5). */
import { z } from 'zod';
import { TaskIdSchema } from '../../definitions/schema';
import type { ResumePlan } from '../../workflows/commands';
import { CommandErrorType, PauseMode, ResumeMode } from '../../workflows/commands';
import { IdempotencyKeySchema } from '../../executions/idempotency-key';
import { StatusResponseSchema } from './executions';
import { COMMAND_SIGNAL_NAMES } from '../../workflows/messages';

const ExecutionId = z.string().min(1).max(255);

export const CommandHeadersSchema = z.looseObject({
  'idempotency-key': IdempotencyKeySchema.optional().describe(
    'A retried request with the same key (same caller, same command) replays the first answer instead of applying again',
  ),
});

// ---- pause ----

export const PauseBodySchema = z
  .strictObject({
    reason: z.string().max(1000).optional().describe('Shown in the pause gate and the journal'),
    mode: z
      .enum([PauseMode.Graceful, PauseMode.Immediate])
      .optional()
      .describe('graceful (default): in-flight tasks finish (`pausing` → `paused`); immediate: they are cancelled and re-run on resume'),
  })
  .nullish()
  .describe('May be omitted entirely');

// ---- resume ----

const ResumeTaskSpecSchema = z.strictObject({
  action: z.enum(['retry', 'skip']).optional().describe("Defaults to the command's mode"),
  input: z.unknown().optional().describe('retry: replaces the resolved input'),
  output: z.unknown().optional().describe("skip: the task's output (checked against its `output_schema`)"),
});

export const ResumeBodySchema = z
  .strictObject({
    mode: z
      .enum([ResumeMode.Continue, ResumeMode.Retry, ResumeMode.Skip])
      .optional()
      .describe('continue (default): clear a manual pause or breakpoint; retry: re-run failed tasks; skip: mark them skipped with supplied outputs'),
    tasks: z.record(TaskIdSchema, ResumeTaskSpecSchema).optional().describe('Per failed task: `{action?, input?, output?}`'),
    context: z.record(z.string(), z.unknown()).optional().describe('Deep-merged into the inbound context of every task this resume re-runs'),
    reason: z.string().max(1000).optional(),
  })
  .nullish()
  .describe('May be omitted entirely (a plain continue)');

export const ResumeQuerySchema = z.strictObject({
  dry_run: z.stringbool().default(false).describe('`true`: answer the plan (what would run, what is missing) and change nothing'),
});

const CommandErrorTypeSchema = z.enum(Object.values(CommandErrorType) as [CommandErrorType, ...CommandErrorType[]]);

export const ResumePlanSchema = z
  .object({
    ok: z.boolean().describe('False when the resume would be refused; `error` says why'),
    error: z.object({ type: CommandErrorTypeSchema, message: z.string() }).nullable(),
    missing: z.array(z.object({ task_id: z.string(), need: z.string() })).describe('What the resume does not address'),
    continues: z.array(z.object({ reason: z.string(), task_id: z.string().nullable() })).describe('Gates it clears: manual pause, breakpoints'),
    retries: z.array(z.object({ task_id: z.string(), task_exec_id: z.string(), input: z.enum(['override', 'resolved again']) })),
    skips: z.array(z.object({ task_id: z.string(), task_exec_id: z.string(), output: z.unknown() })),
    still_open: z.array(z.object({ task_id: z.string().nullable(), reason: z.string() })).describe('Gates that stay open: approvals, waits'),
  })
  .meta({ id: 'ResumePlan' });

export const ResumeResponseSchema = z.object({
  execution_id: z.string(),
  dry_run: z.boolean(),
  plan: ResumePlanSchema,
  status: StatusResponseSchema.nullable().describe('The status right after the resume applied; null for a dry run'),
});

// ---- task resume ----

/** A task id, or a `task_exec_id` (a UUID) naming one run of it (docs/design.md §14.0 addresses runs). */
export const TaskResumeParamsSchema = z.strictObject({
  id: ExecutionId,
  taskId: z.union([TaskIdSchema, z.uuid()]).describe('Task id, or the `task_exec_id` of its waiting run'),
});

export const TaskResumeBodySchema = z
  .strictObject({
    resume_data: z.unknown().optional().describe("Checked against the task's `resume_schema`; a wait task's output, a tool's `ctx.resume`"),
  })
  .nullish();

// ---- approvals ----

export const DecisionParamsSchema = z.strictObject({ id: ExecutionId, taskId: TaskIdSchema });

export const DecisionBodySchema = z
  .strictObject({
    decision: z.enum(['approve', 'reject']),
    comment: z.string().max(2000).optional(),
    data: z.unknown().optional().describe("Checked against the approval's `decision_schema`"),
  })
  .describe('The approver is the authenticated caller; the body cannot name one');

// ---- signals ----

/**
 * Signal names the interpreter handles itself: the commands (their own endpoints, with their checks)
 * and `commandRejected`, which only Cadenza sends (a caller could otherwise journal a forged refusal
 * under any actor). Taken from the message definitions, so a new one is reserved too.
 */
export const RESERVED_SIGNAL_NAMES: readonly string[] = COMMAND_SIGNAL_NAMES;

export const SignalParamsSchema = z.strictObject({
  id: ExecutionId,
  name: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9_.-]{0,99}$/, 'must be a signal name: letters, digits, "_", "-" or "."')
    .refine((n) => !RESERVED_SIGNAL_NAMES.includes(n), 'is reserved: commands have their own endpoints, commandRejected is sent by Cadenza only'),
});

export const SignalBodySchema = z
  .strictObject({ payload: z.unknown().optional().describe('`signal.payload` in the wait task\'s condition; its output when it wakes') })
  .nullish();

export const SignalResponseSchema = z.object({
  execution_id: z.string(),
  signal: z.string(),
  accepted: z.literal(true).describe('Delivered; a payload that does not meet the condition is journaled as CommandRejected'),
});

// Drift guard: the plan mirrors the workflow contract (the serializer drops unknown keys).
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Assert<T extends true> = T;
export type _ResumePlanMatchesContract = Assert<Same<z.output<typeof ResumePlanSchema>, ResumePlan>>;
