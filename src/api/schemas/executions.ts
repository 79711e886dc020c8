/** Schemas of the execution endpoints. */
import { z } from 'zod';
import { DefinitionIdSchema, DefinitionVersionSchema, TaskIdSchema } from '../../definitions/schema';
import { IdempotencyKeySchema } from '../../executions/idempotency-key';
import type { JournalPage } from '../../executions/journal-segments';
import { AgentRunSchema } from './agents';
import type { ExecutionView, StatusView, TaskContextView } from '../../workflows/contracts';
import { EventType } from '../../workflows/events';
import { ExecutionStatus, PauseReason, TaskStatus } from '../../workflows/states';

const ExecutionStatusSchema = z.enum(Object.values(ExecutionStatus) as [ExecutionStatus, ...ExecutionStatus[]]);

export const TriggerParamsSchema = z.strictObject({ id: DefinitionIdSchema });

export const TriggerBodySchema = z
  .strictObject({
    input: z.unknown().optional().describe('Validated against the definition\'s `input` JSON Schema; `{}` when omitted'),
    version: DefinitionVersionSchema.optional().describe('Definition version; the latest when omitted'),
  })
  .nullish()
  .describe('May be omitted entirely');

export const TriggerHeadersSchema = z.looseObject({
  'idempotency-key': IdempotencyKeySchema.optional().describe('Replays return the same execution (202 with `Idempotent-Replayed: true`)'),
});

export const ExecutionLinksSchema = z.object({
  self: z.string(),
  status: z.string(),
  events: z.string(),
  cancel: z.string(),
  pause: z.string(),
  resume: z.string(),
});

export const TriggerResponseSchema = z.object({
  execution_id: z.string(),
  workflow_id: z.string(),
  workflow_version: z.number().int(),
  status: ExecutionStatusSchema,
  links: ExecutionLinksSchema,
});

export const ExecutionParamsSchema = z.strictObject({ id: z.string().min(1).max(255) });

export const TaskContextParamsSchema = z.strictObject({ id: z.string().min(1).max(255), taskId: TaskIdSchema });

export const ListExecutionsQuerySchema = z.strictObject({
  status: ExecutionStatusSchema.optional(),
  workflow: DefinitionIdSchema.optional().describe('Definition id'),
  awaiting: z
    .literal('me')
    .optional()
    .describe('`me`: only running executions with an open approval the caller may decide (its user, one of its roles, or anyone)'),
  page_size: z.coerce.number().int().min(1).max(1000).default(50),
  page_token: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/, 'must be a next_page_token returned by this endpoint')
    .max(4096)
    .optional(),
});

export const ExecutionSummarySchema = z.object({
  execution_id: z.string(),
  workflow_id: z.string(),
  workflow_version: z.number().int().nullable(),
  status: ExecutionStatusSchema,
  awaiting: z.array(z.string()).describe('Who open approvals wait for: `user:<name>`, `role:<role>`, `anyone`'),
  started_at: z.string(),
  closed_at: z.string().nullable(),
});

export const ListExecutionsResponseSchema = z.object({
  items: z.array(ExecutionSummarySchema),
  next_page_token: z.string().nullable(),
});

export const EventsQuerySchema = z.strictObject({
  after: z.coerce.number().int().min(0).optional().describe('Return events with seq greater than this'),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
});

const TaskStatusSchema = z.enum(Object.values(TaskStatus) as [TaskStatus, ...TaskStatus[]]);
const PauseReasonSchema = z.enum(Object.values(PauseReason) as [PauseReason, ...PauseReason[]]);
const EventTypeSchema = z.enum(Object.values(EventType) as [EventType, ...EventType[]]);

const TaskErrorSchema = z.object({
  message: z.string(),
  type: z.string().nullable(),
  non_retryable: z.boolean(),
  details: z.unknown().optional(),
});

const GateSchema = z.object({
  task_id: z.string().nullable(),
  task_exec_id: z.string().nullable(),
  reason: PauseReasonSchema,
  opened_at: z.string(),
  branch: z.string().nullable(),
  next_task_id: z.string().nullable().describe('Where the branch goes once the gate is resolved'),
  data: z.record(z.string(), z.unknown()),
});

const PauseSchema = z.object({
  paused_at: z.string(),
  reason: PauseReasonSchema,
  task_id: z.string().nullable(),
  next_task_id: z.string().nullable(),
  resume_data: z.unknown(),
  gates: z.array(GateSchema),
});

/** `statusQuery`'s answer (docs/design.md §14.3's pause fields). */
export const StatusResponseSchema = z
  .object({
    execution_id: z.string(),
    workflow_id: z.string(),
    workflow_version: z.number().int(),
    status: ExecutionStatusSchema,
    pause: PauseSchema.nullable(),
    started_at: z.string(),
    finished_at: z.string().nullable(),
    active_tasks: z.array(z.string()).describe('Tasks scheduled, running or waiting now'),
    error: z.object({ message: z.string(), type: z.string().nullable(), task_id: z.string().nullable() }).nullable(),
  })
  .meta({ id: 'ExecutionStatusView' });

const TaskViewSchema = z.object({
  task_id: z.string(),
  task_exec_id: z.string().describe('Names one run of one task in one execution'),
  type: z.string(),
  status: TaskStatusSchema,
  branch: z.string().nullable().describe('Branch path inside parallel tasks, e.g. `fanout/left`'),
  attempts: z.number().int(),
  scheduled_at: z.string(),
  started_at: z.string().nullable(),
  finished_at: z.string().nullable(),
  output: z.unknown().describe('`null` while `output_ref` is set'),
  output_ref: z
    .object({ run_id: z.string(), seq: z.number().int() })
    .optional()
    .describe(
      'Set (with `output: null`) when a large output stayed in an earlier run of an execution that continued as new: ' +
        'the journal event holding it. Task context resolves it (the ref stays only when that run no longer exists); the execution view leaves it.',
    ),
  error: TaskErrorSchema.nullable(),
});

/** `executionQuery`'s answer: state, tasks, gates, outputs. */
export const ExecutionResponseSchema = StatusResponseSchema.extend({
  input: z.unknown(),
  tasks: z.array(TaskViewSchema),
  gates: z.array(GateSchema),
  outputs: z.record(z.string(), z.unknown()).nullable(),
  last_seq: z.number().int(),
}).meta({ id: 'ExecutionView' });

/** `taskContextQuery`'s answer (docs/design.md §14.4's "view context"). */
export const TaskContextResponseSchema = TaskViewSchema.extend({
  inbound_context: z.record(z.string(), z.unknown()).describe('What the task saw when scheduled'),
  input: z.unknown().describe('Resolved input (templates evaluated), or the input a repair supplied'),
  input_ref: z
    .object({ run_id: z.string(), seq: z.number().int() })
    .optional()
    .describe('Set (with `input: null`) only when the earlier run holding the input no longer exists'),
  resume_data: z.unknown().describe('Data of the TaskResume that last woke the task'),
  runs: z.array(TaskViewSchema).describe('Every run of this task, oldest first'),
  agent: AgentRunSchema.optional().describe("An agent task's conversation, tool calls and usage"),
  callback_url: z.string().nullable().optional().describe('While the run waits (wait task, approval): the URL that resumes it without an API key'),
}).meta({ id: 'TaskContext' });

const JournalEventSchema = z.object({
  id: z.string(),
  seq: z.number().int(),
  type: EventTypeSchema,
  time: z.string(),
  execution_id: z.string(),
  workflow_id: z.string(),
  task_id: z.string().optional(),
  task_exec_id: z.string().optional(),
  attempt: z.number().int().optional(),
  actor: z.string().optional(),
  data: z.record(z.string(), z.unknown()),
});

/** A page of the journal, continuous in `seq` across the runs of an execution that continued as new. */
export const EventsResponseSchema = z.object({
  events: z.array(JournalEventSchema),
  last_seq: z.number().int().describe('Last seq of the journal'),
  has_more: z.boolean().describe('Events after this page exist (a page may end early, at the end of a run)'),
});

// Drift guards: the responses mirror the workflow contracts exactly (the serializer drops unknown
// keys), so a contract change these schemas do not follow fails the type check here.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Assert<T extends true> = T;
export type _StatusMatchesContract = Assert<Same<z.output<typeof StatusResponseSchema>, StatusView>>;
export type _ExecutionMatchesContract = Assert<Same<z.output<typeof ExecutionResponseSchema>, ExecutionView>>;
export type _TaskContextMatchesContract = Assert<Same<z.output<typeof TaskContextResponseSchema>, TaskContextView>>;
export type _EventsMatchContract = Assert<Same<z.output<typeof EventsResponseSchema>, JournalPage>>;

export const CancelResponseSchema = z.object({
  execution_id: z.string(),
  status: ExecutionStatusSchema.describe('Status when the cancellation was requested; it is cooperative'),
  cancel_requested: z.literal(true),
  links: ExecutionLinksSchema,
});
