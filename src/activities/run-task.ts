/**
 * The task activity: one attempt of one task's tool. Validates the input with the tool's schema,
 * heartbeats while the tool runs (so a lost worker is noticed and cancellation is delivered), and
 * reports every failure with the attempt's start time.
 */
import { CancelledFailure, Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { TaskActivityRequest, TaskActivityResult } from '../workflows/contracts';
import type { AttemptFailureDetails } from '../workflows/task-error';
import type { ToolRegistry } from './tools/registry';
import { asWaitDirective } from './tools/wait-directive';
import { type ExecutionLogger, noExecutionLog } from './agents/execution-log';

const HEARTBEAT_EVERY_MS = 1000;

export function createRunTask(tools: ToolRegistry, log: ExecutionLogger = noExecutionLog) {
  return async function runTask(request: TaskActivityRequest): Promise<TaskActivityResult> {
    const ctx = Context.current();
    const startedAt = new Date().toISOString();
    const tool = tools.get(request.tool);
    if (tool === undefined) {
      throw failure(ApplicationFailure.create({ message: `unknown tool "${request.tool}" (known: ${tools.ids().join(', ')})`, type: 'ToolNotFound', nonRetryable: true }), startedAt);
    }
    const parsed = tool.input.safeParse(request.input);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
      const summary = issues.map((i) => `${i.path || '(input)'}: ${i.message}`).join('; ');
      throw failure(ApplicationFailure.create({ message: `invalid input for tool "${tool.id}": ${summary}`, type: 'ToolInputInvalid', nonRetryable: true, details: [issues] }), startedAt);
    }
    // Attempts of an agent's tool call are Temporal's (the interpreter's attempts have one each).
    const attempt = request.attempt + ctx.info.attempt - 1;
    log({ component: 'worker', level: 'info', message: `tool ${tool.id} of task ${request.task_id} started (attempt ${attempt})`, execution_id: request.execution_id, workflow_id: request.workflow_id, task_id: request.task_id, task_exec_id: request.task_exec_id });
    const beat = ctx.info.heartbeatTimeoutMs ? setInterval(() => ctx.heartbeat(), HEARTBEAT_EVERY_MS) : undefined;
    try {
      const output = await Promise.race([
        tool.run(parsed.data, {
          execution_id: request.execution_id,
          workflow_id: request.workflow_id,
          task_id: request.task_id,
          task_exec_id: request.task_exec_id,
          attempt,
          idempotency_key: request.idempotency_key,
          resume: request.resume ?? null,
          signal: ctx.cancellationSignal,
          heartbeat: (details?: unknown) => ctx.heartbeat(details),
        }),
        // Report a cancellation at once, even when the tool ignores its abort signal.
        ctx.cancelled,
      ]);
      const wait = asWaitDirective(output);
      if (wait !== undefined) return { output: null, wait, started_at: startedAt };
      return { output: output === undefined ? null : output, started_at: startedAt };
    } catch (err) {
      if (err instanceof CancelledFailure) throw err;
      // A tool that rejects because its abort signal fired was cancelled, not failed.
      if (ctx.cancellationSignal.aborted) throw ctx.cancellationSignal.reason instanceof CancelledFailure ? ctx.cancellationSignal.reason : new CancelledFailure('cancelled');
      throw failure(err, startedAt);
    } finally {
      if (beat !== undefined) clearInterval(beat);
    }
  };
}

/** Wraps any error as an ApplicationFailure that keeps its type and retryability and carries the start time. */
function failure(err: unknown, startedAt: string): ApplicationFailure {
  const original = err instanceof ApplicationFailure ? err : undefined;
  const details: AttemptFailureDetails = { started_at: startedAt, ...(original?.details?.[0] !== undefined && { details: original.details[0] }) };
  return ApplicationFailure.create({
    message: err instanceof Error ? err.message : String(err),
    type: original?.type ?? (err instanceof Error ? err.name : 'Error'),
    nonRetryable: original?.nonRetryable ?? false,
    details: [details],
    cause: err instanceof Error ? err : undefined,
  });
}
