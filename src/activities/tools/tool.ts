/**
 * The tool contract (docs/design.md §2): a TypeScript module with an id, a zod input schema and `run`.
 */
import type { z } from 'zod';

/** What a tool gets besides its input. */
export interface ToolContext {
  execution_id: string;
  workflow_id: string;
  task_id: string;
  task_exec_id: string;
  /** 1 for the first attempt of this task execution. */
  attempt: number;
  /** Stable across every retry of one task execution: pass it to downstream APIs to deduplicate. */
  idempotency_key: string;
  /** Data a TaskResume supplied, when the task runs again after a wait directive. */
  resume: unknown;
  /** Aborted when the task is cancelled (execution cancelled, immediate pause, fail_fast sibling). */
  signal: AbortSignal;
  /** Reports liveness; called automatically too, so only long CPU-bound loops need it. */
  heartbeat(details?: unknown): void;
}

/** A tool: `run` returns the task output, or throws (an `ApplicationFailure` controls retrying). */
export interface Tool<Input = unknown, Output = unknown> {
  id: string;
  description?: string;
  input: z.ZodType<Input>;
  /**
   * Runs as a Temporal local activity unless the task says `local: false` (docs/design.md §13).
   * Built-ins only (`LOCAL_BUILTIN_TOOLS`, which workflow code reads): a user tool is made local by
   * its tasks' `local: true`.
   */
  local?: boolean;
  run(input: Input, ctx: ToolContext): Promise<Output>;
}

/** Helps authors keep the input type inferred from the schema. */
export function defineTool<S extends z.ZodType, Output>(tool: {
  id: string;
  description?: string;
  input: S;
  local?: boolean;
  run(input: z.infer<S>, ctx: ToolContext): Promise<Output>;
}): Tool<z.infer<S>, Output> {
  return tool as Tool<z.infer<S>, Output>;
}
