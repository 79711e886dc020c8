/**
 * A tool may ask its task to wait (docs/design.md §14.0): it returns `waitFor(...)` instead of an output. The task
 * enters `waiting`; a TaskResume wakes it and the tool runs again with the data as `ctx.resume`.
 */

/** Key that marks a tool result as a wait directive (plain JSON, so it crosses Temporal payloads). */
export const WAIT_DIRECTIVE_KEY = '$cadenza_wait';

export interface WaitDirective {
  /** Why the task waits, for humans (`TaskWaitingStarted.wait_reason`). */
  wait_reason: string;
  /** What a resume must bring, for humans and machines (`TaskWaitingStarted.resume_conditions`). */
  resume_conditions?: Record<string, unknown>;
  /** JSON Schema the resume data must satisfy; a TaskResume with other data is refused. */
  resume_schema?: Record<string, unknown>;
}

export function waitFor(directive: WaitDirective): { [WAIT_DIRECTIVE_KEY]: WaitDirective } {
  return { [WAIT_DIRECTIVE_KEY]: directive };
}

export function asWaitDirective(output: unknown): WaitDirective | undefined {
  if (typeof output !== 'object' || output === null || !(WAIT_DIRECTIVE_KEY in output)) return undefined;
  const directive = (output as Record<string, unknown>)[WAIT_DIRECTIVE_KEY] as WaitDirective | undefined;
  return typeof directive?.wait_reason === 'string' ? directive : undefined;
}
