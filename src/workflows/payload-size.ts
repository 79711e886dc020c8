/**
 * How big a value is on its way to Temporal (docs/design.md §11): the UTF-8 bytes of its JSON, which is
 * what the default payload converter writes into a payload (plus a few bytes of metadata). Used by the
 * workflow (task inputs, command payloads), the task activity (outputs) and the services (trigger input,
 * command data), so every check measures the same way. Deterministic and free of Node APIs: it runs in
 * the workflow sandbox.
 */

/**
 * Largest rendered task input the interpreter schedules, and the workflow's own bound on a task input
 * whatever the worker is configured to: under Temporal's 2 MiB blob limit with room for the rest of
 * the activity request. A bigger input would make the server refuse the workflow task.
 */
export const WORKFLOW_MAX_TASK_INPUT_BYTES = 1_572_864;

/**
 * Largest command payload (signal payload, resume data, decision data, repair inputs, outputs and
 * context) the interpreter takes in, however it arrives: the REST body limit (1 MiB), which is also
 * NATS's default `max_payload`. A bigger one sent straight to Temporal is journaled as refused.
 */
export const WORKFLOW_MAX_COMMAND_PAYLOAD_BYTES = 1_048_576;

/** UTF-8 length of `text`, counted without encoding it (lone surrogates count 3, as TextEncoder writes U+FFFD). */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

/**
 * Bytes of `value` as JSON (`undefined` counts as `null`, as it travels). A value JSON cannot write
 * (a cycle, a BigInt) has no size: `undefined`.
 */
export function jsonByteLength(value: unknown): number | undefined {
  let text: string | undefined;
  try {
    text = JSON.stringify(value === undefined ? null : value);
  } catch {
    return undefined;
  }
  return utf8Length(text ?? 'null');
}

/** A value over a byte limit: what it is, how big, and the limit. */
export interface OversizeValue {
  /** Where the value is (`resume_data`, `tasks.charge.output`, `input`). */
  path: string;
  size_bytes: number;
  limit_bytes: number;
}

/**
 * The first of `values` (path → value) larger than `limitBytes` as JSON, or undefined when all fit.
 * A value that cannot be written as JSON is left to the other checks.
 */
export function firstOversize(values: Iterable<readonly [string, unknown]>, limitBytes: number): OversizeValue | undefined {
  for (const [path, value] of values) {
    if (value === undefined) continue;
    const size = jsonByteLength(value);
    if (size !== undefined && size > limitBytes) return { path, size_bytes: size, limit_bytes: limitBytes };
  }
  return undefined;
}

/** `524288` → `"512 KiB"`, for messages. */
export function describeBytes(bytes: number): string {
  if (bytes >= 1_048_576 && bytes % 1_048_576 === 0) return `${bytes / 1_048_576} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}
