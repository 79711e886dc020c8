/**
 * The task activity: one attempt of one task's tool. Validates the input with the tool's schema,
 * heartbeats while the tool runs (so a lost worker is noticed and cancellation is delivered), and
 * reports every failure with the attempt's start time. It measures what it sends back to Temporal
 * (docs/design.md §11): an input over `CADENZA_MAX_TASK_INPUT_BYTES` fails before the tool runs, an
 * output over `CADENZA_MAX_TASK_OUTPUT_BYTES` fails instead of being returned (`task-size.ts`).
 */
import { CancelledFailure, Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { TaskActivityRequest, TaskActivityResult } from '../workflows/contracts';
import type { AttemptFailureDetails } from '../workflows/task-error';
import { defaultTaskSizeLimits, type TaskSizeLimits } from '../limits/size-limits';
import { boundedFailureDetails, inputTooLarge, outputTooLarge } from './task-size';
import type { ToolRegistry } from './tools/registry';
import { asWaitDirective } from './tools/wait-directive';
import { type ExecutionLogger, noExecutionLog } from './agents/execution-log';

const HEARTBEAT_EVERY_MS = 1000;

/** The `runTask` activity over `tools`, with the worker's size limits and its execution log. */
export function createRunTask(tools: ToolRegistry, limits: TaskSizeLimits = defaultTaskSizeLimits, log: ExecutionLogger = noExecutionLog) {
  return async function runTask(request: TaskActivityRequest): Promise<TaskActivityResult> {
    const ctx = Context.current();
    const startedAt = new Date().toISOString();
    const tool = tools.get(request.tool);
    if (tool === undefined) {
      throw failure(ApplicationFailure.create({ message: `unknown tool "${request.tool}" (known: ${tools.ids().join(', ')})`, type: 'ToolNotFound', nonRetryable: true }), startedAt);
    }
    const oversizeInput = inputTooLarge(tool.id, request.input, limits.maxInputBytes);
    if (oversizeInput) throw failure(oversizeInput, startedAt);
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
          // A local activity has no server-side heartbeat (docs/design.md §13).
          heartbeat: ctx.info.isLocal ? () => undefined : (details?: unknown) => ctx.heartbeat(details),
        }),
        // Report a cancellation at once, even when the tool ignores its abort signal.
        ctx.cancelled,
      ]);
      const wait = asWaitDirective(output);
      const result: TaskActivityResult = wait !== undefined ? { output: null, wait, started_at: startedAt } : { output: output === undefined ? null : output, started_at: startedAt };
      const oversizeOutput = outputTooLarge(tool.id, result, limits.maxOutputBytes);
      if (oversizeOutput) throw oversizeOutput;
      return result;
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
  const originalDetails: unknown = original?.details?.[0];
  const kept = originalDetails === undefined ? undefined : boundedFailureDetails(originalDetails);
  const details: AttemptFailureDetails = { started_at: startedAt, ...(kept !== undefined && { details: kept }) };
  const fullMessage = err instanceof Error ? err.message : String(err);
  const message = boundedMessage(fullMessage);
  // The cause travels with all its details and its message: not when they were too big to keep.
  const keepCause = err instanceof Error && kept === originalDetails && message === fullMessage;
  return ApplicationFailure.create({
    message,
    type: original?.type ?? (err instanceof Error ? err.name : 'Error'),
    nonRetryable: original?.nonRetryable ?? false,
    details: [details],
    cause: keepCause ? err : undefined,
  });
}

/** Longest failure message sent to Temporal as it is (a tool may put a whole response body in one). */
const MAX_FAILURE_MESSAGE = 8192;

function boundedMessage(message: string): string {
  return message.length <= MAX_FAILURE_MESSAGE ? message : `${message.slice(0, MAX_FAILURE_MESSAGE)}… (${message.length} characters)`;
}
