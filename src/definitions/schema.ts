/**
 * The Cadenza workflow definition language (docs/design.md §2), as zod schemas.
 *
 * The schema checks shape only; cross-references (task ids, reachability, cycles, expressions)
 * are checked by `validateDefinition` in `./validate-graph.ts`.
 */
import { z } from 'zod';
import { AgentSchema } from './agent-schema';
import { DurationSchema } from './duration';
import { COMMAND_SIGNAL_NAMES } from '../workflows/messages';

/** A task id: readable in the Web UI (it names the activity) and usable in templates. */
export const TaskIdSchema = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_-]{0,63}$/, 'must start with a letter and hold only letters, digits, "_" or "-" (max 64)');

/** A definition id: a slug that appears in URLs, execution ids and search attributes. */
export const DefinitionIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'must be lowercase letters, digits, "_" or "-" (max 63), starting with a letter or digit');

/**
 * Highest version a definition may declare. The registry assigns latest + 1 to a definition without
 * one, so versions stay far below 2^53, where they would stop being exact integers.
 */
export const MAX_DEFINITION_VERSION = 2_147_483_647;

/** A definition version: 1 to `MAX_DEFINITION_VERSION`. */
export const DefinitionVersionSchema = z.number().int().min(1).max(MAX_DEFINITION_VERSION);

/** A JSON Schema document (validated with Ajv when it is used). */
export const JsonSchemaSchema = z.record(z.string(), z.unknown());

/** Retry policy of a task, with Temporal's RetryPolicy fields in snake_case. */
export const RetryPolicySchema = z.strictObject({
  maximum_attempts: z.number().int().min(1).max(1000).optional(),
  initial_interval: DurationSchema.optional(),
  backoff_coefficient: z.number().min(1).max(100).optional(),
  maximum_interval: DurationSchema.optional(),
  /** Error types (a tool's `ApplicationFailure` type) that are never retried. */
  non_retryable_errors: z.array(z.string().min(1)).optional(),
});
export type RetryPolicy = z.infer<typeof RetryPolicySchema>;

/** Where to go after a task finished one way or the other. */
export const TransitionSchema = z.strictObject({
  next: TaskIdSchema.optional(),
});
export type Transition = z.infer<typeof TransitionSchema>;

/** What a failed task does: go to another task, or pause its branch until an operator repairs it. */
export const ErrorTransitionSchema = z
  .strictObject({
    next: TaskIdSchema.optional(),
    /** Open a `task_failed` gate: the branch waits for a `resume` with `retry` or `skip`. */
    pause: z.boolean().optional(),
  })
  .refine((t) => !(t.pause === true && t.next !== undefined), { message: 'choose one of "next" and "pause: true"' });
export type ErrorTransition = z.infer<typeof ErrorTransitionSchema>;

const taskCommon = {
  id: TaskIdSchema,
  description: z.string().max(2000).optional(),
  /** basic: start-to-close timeout of one attempt; approval and wait: how long the gate stays open. */
  timeout: DurationSchema.optional(),
  /** A running attempt that does not heartbeat for this long is considered lost (worker crash). */
  heartbeat_timeout: DurationSchema.optional(),
  retry: RetryPolicySchema.optional(),
  on_success: TransitionSchema.optional(),
  on_error: ErrorTransitionSchema.optional(),
  /** Ends its flow (the workflow, or its parallel branch) after this task. */
  final: z.boolean().optional(),
  /** A breakpoint: the branch pauses before scheduling this task until a `resume` (mode continue). */
  pause_before: z.boolean().optional(),
};

export const BasicTaskSchema = z.strictObject({
  ...taskCommon,
  type: z.literal('basic'),
  /** Tool id: a built-in (`http`, `echo`) or a user tool. A basic task names a tool or an agent. */
  tool: z.string().min(1).optional(),
  /** Tool input; strings may hold `{{ cel }}` templates. */
  with: z.unknown().optional(),
  /** Agent id (one of the definition's `agents`) the task runs instead of a tool (docs/design.md §8). */
  agent: z.string().min(1).optional(),
  /** The agent's user message; may hold `{{ cel }}` templates. */
  prompt: z.string().max(100_000).optional(),
  /** JSON Schema of the output (used to check outputs supplied by a repair). */
  output_schema: JsonSchemaSchema.optional(),
  /**
   * Run the tool as a Temporal local activity, inside the workflow task, instead of through the task
   * queue (docs/design.md §13): milliseconds instead of a dispatch round trip. No heartbeats across
   * workflow tasks and at most `MAX_LOCAL_TASK_TIMEOUT` per attempt (refused at registration).
   * Omitted: local when the tool declares itself local (`echo`) and the task fits; `false` opts out.
   */
  local: z.boolean().optional(),
});
export type BasicTask = z.infer<typeof BasicTaskSchema>;

/**
 * A `set` task (docs/design.md §13): computes `values` — strings may hold `{{ cel }}` templates — in
 * the workflow, with no activity; its output is the computed values.
 */
export const SetTaskSchema = z.strictObject({
  ...taskCommon,
  type: z.literal('set'),
  values: z.record(z.string(), z.unknown()).refine((v) => Object.keys(v).length > 0, 'needs at least one value'),
});
export type SetTask = z.infer<typeof SetTaskSchema>;

export const RouterTaskSchema = z.strictObject({
  ...taskCommon,
  type: z.literal('router'),
  /** CEL expression; its value (as a string) picks the route. */
  condition: z.string().min(1),
  routes: z.record(z.string(), TaskIdSchema).refine((r) => Object.keys(r).length > 0, 'needs at least one route'),
  /** Route taken when no key matches; without it, an unmatched value fails the task. */
  default: TaskIdSchema.optional(),
});
export type RouterTask = z.infer<typeof RouterTaskSchema>;

/**
 * Who may decide an approval; omitted means anyone holding `approvals:decide`. Users are API key
 * names and roles API key roles, both at most 128 characters (src/config.ts). Together they become
 * the `CadenzaAwaiting` search attribute, whose size `validate-graph.ts` bounds.
 */
export const ApproversSchema = z.strictObject({
  roles: z.array(z.string().min(1).max(128)).optional(),
  users: z.array(z.string().min(1).max(128)).optional(),
});
export type Approvers = z.infer<typeof ApproversSchema>;

/** A human gate (docs/design.md §14.3): the branch pauses until someone allowed decides, or the timeout acts. */
export const ApprovalTaskSchema = z.strictObject({
  ...taskCommon,
  type: z.literal('approval'),
  approvers: ApproversSchema.optional(),
  /** Shown to approvers; may hold `{{ }}` templates. */
  message: z.string().max(2000).optional(),
  /** JSON Schema of the decision's `data`. */
  decision_schema: JsonSchemaSchema.optional(),
  /** What happens when `timeout` passes without a decision (default: fail). */
  on_timeout: z.enum(['approve', 'reject', 'fail']).optional(),
  on_approve: TransitionSchema.optional(),
  on_reject: TransitionSchema.optional(),
});
export type ApprovalTask = z.infer<typeof ApprovalTaskSchema>;

/** Waits for an external signal (docs/design.md §14.0); its output is the data that woke it. */
export const WaitTaskSchema = z.strictObject({
  ...taskCommon,
  type: z.literal('wait'),
  /** Signal name (`POST .../signals/{name}`, `temporal workflow signal --name`); a TaskResume also wakes it. */
  wait_for: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9_.-]{0,99}$/, 'must be a signal name: letters, digits, "_", "-" or "."')
    .refine((n) => !COMMAND_SIGNAL_NAMES.includes(n), 'is the name of a command signal (pause, resume, taskResume, decide, commandRejected)'),
  /** CEL over `signal.payload` (and the usual variables); false keeps the task waiting. */
  condition: z.string().min(1).optional(),
  /** JSON Schema the resume data must satisfy. */
  resume_schema: JsonSchemaSchema.optional(),
  /** Where to go when `timeout` passes; without it the task fails with `timed_out`. */
  on_timeout: TransitionSchema.optional(),
  /**
   * Correlation key (docs/design.md §9): a template; events `{name: wait_for, key: <its value>}`
   * (`POST /api/v1/events`, NATS `<p>.events.in.<name>`) resume this wait in any execution.
   */
  correlate: z.string().min(1).max(1000).optional(),
});
export type WaitTask = z.infer<typeof WaitTaskSchema>;

export const ParallelStrategySchema = z.enum(['wait_all', 'fail_fast', 'best_effort']);
export type ParallelStrategy = z.infer<typeof ParallelStrategySchema>;

export const ParallelTaskSchema = z.strictObject({
  ...taskCommon,
  type: z.literal('parallel'),
  /** wait_all: wait for every branch, fail if any failed; fail_fast: the first failure cancels the others; best_effort: never fails. */
  strategy: ParallelStrategySchema.default('wait_all'),
  get branches(): z.ZodArray<typeof BranchSchema> {
    return z.array(BranchSchema).min(1, 'needs at least one branch');
  },
});
export type ParallelTask = z.infer<typeof ParallelTaskSchema>;

/** A branch of a parallel task: its own flow, entered at its first task. */
export const BranchSchema = z.strictObject({
  id: TaskIdSchema,
  get tasks(): z.ZodArray<typeof TaskSchema> {
    return z.array(TaskSchema).min(1, 'a branch needs at least one task');
  },
});
export type Branch = z.infer<typeof BranchSchema>;

export const TaskSchema = z.discriminatedUnion('type', [BasicTaskSchema, RouterTaskSchema, ParallelTaskSchema, ApprovalTaskSchema, WaitTaskSchema, SetTaskSchema]);
export type Task = z.infer<typeof TaskSchema>;
export type TaskType = Task['type'];

/** fail: a failed task without on_error fails its flow; pause: it opens a `task_failed` gate instead. */
export const TaskFailurePolicySchema = z.enum(['fail', 'pause']);

export const WorkflowConfigSchema = z.strictObject({
  /** Whole-execution timeout; on expiry running tasks are cancelled and the execution is `timed_out`. */
  timeout: DurationSchema.optional(),
  /** Default per-attempt timeout of tasks. */
  task_timeout: DurationSchema.optional(),
  /** Default heartbeat timeout of tasks. */
  heartbeat_timeout: DurationSchema.optional(),
  on_task_failure: TaskFailurePolicySchema.optional(),
  /** Default retry policy of tasks (a task's own `retry` overrides it field by field). */
  retry: RetryPolicySchema.optional(),
});
export type WorkflowConfig = z.infer<typeof WorkflowConfigSchema>;

export { AgentSchema, type Agent } from './agent-schema';

/** An event name (`POST /api/v1/events` `name`, NATS `<p>.events.in.<name>`, a wait task's `wait_for`). */
export const EventNameSchema = z.string().regex(/^[A-Za-z][A-Za-z0-9_.-]{0,99}$/, 'must be an event name: a letter, then letters, digits, "_", "-" or "." (max 100)');

/** Starts an execution when a matching event comes in (docs/design.md §9). */
export const TriggerSchema = z.strictObject({
  event: EventNameSchema,
  /** JSON Schema the payload must satisfy; an event that fails it starts nothing. */
  schema: JsonSchemaSchema.optional(),
  /** CEL over `payload` and `event` (`{name, key, id}`); false starts nothing. */
  filter: z.string().min(1).max(2000).optional(),
  /** The execution input; strings may hold `{{ }}` templates over `payload` and `event`. Default: the payload. */
  input: z.unknown().optional(),
});
export type Trigger = z.infer<typeof TriggerSchema>;

/** What a schedule does when a run is due while the previous one still runs (Temporal's overlap policies). */
export const ScheduleOverlapSchema = z.enum(['skip', 'buffer_one', 'buffer_all', 'cancel_other', 'terminate_other', 'allow_all']);

/** Starts executions on a calendar (`cron`) or at a fixed interval (`every`) as a Temporal Schedule (docs/design.md §9). */
export const ScheduleSchema = z
  .strictObject({
    cron: z.string().min(1).max(200).optional(),
    every: DurationSchema.optional(),
    /** IANA time zone of `cron` (default UTC). */
    timezone: z.string().min(1).max(64).optional(),
    overlap: ScheduleOverlapSchema.default('skip'),
    /** The input of every scheduled execution. */
    input: z.unknown().optional(),
    /** Registered paused. */
    paused: z.boolean().optional(),
  })
  .refine((s) => (s.cron === undefined) !== (s.every === undefined), { message: 'give exactly one of "cron" and "every"' });
export type Schedule = z.infer<typeof ScheduleSchema>;

export const DefinitionSchema = z.strictObject({
  id: DefinitionIdSchema,
  /** Positive integer; assigned by the registry when omitted. */
  version: DefinitionVersionSchema.optional(),
  name: z.string().max(200).optional(),
  description: z.string().max(5000).optional(),
  /** JSON Schema of the trigger input. */
  input: JsonSchemaSchema.optional(),
  config: WorkflowConfigSchema.optional(),
  tasks: z.array(TaskSchema).min(1, 'a workflow needs at least one task'),
  /** LLM agents that `basic` tasks run with `agent:` (docs/design.md §8). */
  agents: z.array(AgentSchema).max(100).optional(),
  /** Execution outputs; strings may hold `{{ cel }}` templates. */
  outputs: z.record(z.string(), z.unknown()).optional(),
  /** Events that start an execution (docs/design.md §9). */
  triggers: z.array(TriggerSchema).max(20).optional(),
  /** A Temporal Schedule that starts executions (docs/design.md §9). */
  schedule: ScheduleSchema.optional(),
});
export type Definition = z.infer<typeof DefinitionSchema>;

/** A definition as stored and executed: the version is always set. */
export type VersionedDefinition = Definition & { version: number };
