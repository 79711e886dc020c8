/**
 * Size limits of what travels through Temporal (docs/design.md §11, docs/decisions.md "Size limits"):
 * task outputs and inputs (checked by the task activity, on the worker), trigger input and command data
 * (checked by the services, on the API, for REST and NATS alike). Each is the UTF-8 size of the value's
 * JSON. The defaults stay well below Temporal's 2 MiB blob limit; the maxima leave room under it for the
 * rest of the payload, and match the interpreter's own fixed bounds (`src/workflows/payload-size.ts`),
 * so a configured limit is never looser than what the workflow accepts.
 */
import { z } from 'zod';
import { WORKFLOW_MAX_COMMAND_PAYLOAD_BYTES, WORKFLOW_MAX_TASK_INPUT_BYTES } from '../workflows/payload-size';

/** Default of `CADENZA_MAX_TASK_OUTPUT_BYTES` and `CADENZA_MAX_TASK_INPUT_BYTES`: 512 KiB. */
export const DEFAULT_MAX_TASK_PAYLOAD_BYTES = 524_288;

/** Default of `CADENZA_MAX_INPUT_BYTES` (trigger input): 512 KiB. */
export const DEFAULT_MAX_INPUT_BYTES = 524_288;

/** Default of `CADENZA_MAX_COMMAND_DATA_BYTES`: 256 KiB. */
export const DEFAULT_MAX_COMMAND_DATA_BYTES = 262_144;

/** Smallest limit accepted: below it even an ordinary status answer would not fit. */
const MIN_LIMIT_BYTES = 1024;

function byteLimit(max: number, fallback: number) {
  return z.coerce
    .number()
    .int('must be a whole number of bytes')
    .min(MIN_LIMIT_BYTES, `must be at least ${MIN_LIMIT_BYTES}`)
    .max(max, `must be at most ${max} (Temporal refuses payloads over 2 MiB; the interpreter's own bound is ${max})`)
    .default(fallback);
}

/** The variables, for `ConfigSchema`. */
export const sizeLimitsShape = {
  /** Largest task output (the tool's result as JSON); a bigger one fails the task with `output_too_large`. */
  CADENZA_MAX_TASK_OUTPUT_BYTES: byteLimit(WORKFLOW_MAX_TASK_INPUT_BYTES, DEFAULT_MAX_TASK_PAYLOAD_BYTES),
  /** Largest resolved task input; a bigger one fails the task with `input_too_large` before the tool runs. */
  CADENZA_MAX_TASK_INPUT_BYTES: byteLimit(WORKFLOW_MAX_TASK_INPUT_BYTES, DEFAULT_MAX_TASK_PAYLOAD_BYTES),
  /** Largest trigger input; a bigger one is `413 input_too_large`. */
  CADENZA_MAX_INPUT_BYTES: byteLimit(WORKFLOW_MAX_COMMAND_PAYLOAD_BYTES, DEFAULT_MAX_INPUT_BYTES),
  /** Largest resume data, decision data, signal payload, repair input/output or context; a bigger one is `413 command_data_too_large`. */
  CADENZA_MAX_COMMAND_DATA_BYTES: byteLimit(WORKFLOW_MAX_COMMAND_PAYLOAD_BYTES, DEFAULT_MAX_COMMAND_DATA_BYTES),
};

/** What the task activity checks (worker side). */
export interface TaskSizeLimits {
  maxOutputBytes: number;
  maxInputBytes: number;
}

/** The worker's task limits from its configuration. */
export function taskSizeLimitsFrom(config: { CADENZA_MAX_TASK_OUTPUT_BYTES: number; CADENZA_MAX_TASK_INPUT_BYTES: number }): TaskSizeLimits {
  return { maxOutputBytes: config.CADENZA_MAX_TASK_OUTPUT_BYTES, maxInputBytes: config.CADENZA_MAX_TASK_INPUT_BYTES };
}

/** Task limits when none are configured (tests, embedded uses). */
export const defaultTaskSizeLimits: TaskSizeLimits = { maxOutputBytes: DEFAULT_MAX_TASK_PAYLOAD_BYTES, maxInputBytes: DEFAULT_MAX_TASK_PAYLOAD_BYTES };
