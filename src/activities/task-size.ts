/**
 * The size checks of the task activity (docs/design.md §11): what it sends to Temporal is measured as
 * JSON before it is sent. An input or output over the worker's limit becomes a non-retryable task
 * error (`input_too_large`, `output_too_large`) naming the size and the limit, so the task fails like
 * any other (its execution pauses on it when the definition says so, and a retry or skip repairs it)
 * instead of the server refusing the result. Failure details are bounded the same way.
 */
import { ApplicationFailure } from '@temporalio/common';
import { describeBytes, jsonByteLength } from '../workflows/payload-size';

/** Task error types of the size checks; a definition can name them in `retry.non_retryable_errors` or match on them. */
export const TaskSizeErrorType = { InputTooLarge: 'input_too_large', OutputTooLarge: 'output_too_large' } as const;

/** Largest failure details (JSON bytes) kept as they are; bigger ones are summarized. */
export const MAX_FAILURE_DETAILS_BYTES = 16_384;

/** The failure for an input of `tool` over `limitBytes`, or undefined when it fits. */
export function inputTooLarge(tool: string, input: unknown, limitBytes: number): ApplicationFailure | undefined {
  const size = jsonByteLength(input);
  if (size === undefined || size <= limitBytes) return undefined;
  return ApplicationFailure.create({
    message: `the input of tool "${tool}" is ${size} bytes of JSON, more than the task input limit of ${limitBytes} (${describeBytes(limitBytes)}, CADENZA_MAX_TASK_INPUT_BYTES)`,
    type: TaskSizeErrorType.InputTooLarge,
    nonRetryable: true,
    details: [{ size_bytes: size, limit_bytes: limitBytes, limit: 'CADENZA_MAX_TASK_INPUT_BYTES' }],
  });
}

/** The failure for a result of `tool` over `limitBytes`, or undefined when it fits. */
export function outputTooLarge(tool: string, result: unknown, limitBytes: number): ApplicationFailure | undefined {
  const size = jsonByteLength(result);
  if (size === undefined) {
    return ApplicationFailure.create({ message: `the output of tool "${tool}" cannot be written as JSON`, type: 'OutputNotJson', nonRetryable: true });
  }
  if (size <= limitBytes) return undefined;
  return ApplicationFailure.create({
    message: `the output of tool "${tool}" is ${size} bytes of JSON, more than the task output limit of ${limitBytes} (${describeBytes(limitBytes)}, CADENZA_MAX_TASK_OUTPUT_BYTES)`,
    type: TaskSizeErrorType.OutputTooLarge,
    nonRetryable: true,
    details: [{ size_bytes: size, limit_bytes: limitBytes, limit: 'CADENZA_MAX_TASK_OUTPUT_BYTES' }],
  });
}

/** `details` when small, else a summary saying how big they were (an HTTP error's body can be megabytes). */
export function boundedFailureDetails(details: unknown): unknown {
  const size = jsonByteLength(details);
  if (size !== undefined && size <= MAX_FAILURE_DETAILS_BYTES) return details;
  return { omitted: true, reason: size === undefined ? 'not JSON' : `larger than ${MAX_FAILURE_DETAILS_BYTES} bytes of JSON`, ...(size !== undefined && { size_bytes: size }) };
}
