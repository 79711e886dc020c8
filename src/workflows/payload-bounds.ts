/**
 * Bounds on what a command may carry into an execution's state (docs/design.md §4). Command payloads
 * come from anywhere — the Temporal CLI, the Web UI, NATS — so the workflow checks them itself: a value
 * nested deeper than the JSON tools downstream can walk (structured clone, `JSON.stringify`, deep
 * merge) would break every later query of the journal. The walk is iterative, so measuring a hostile
 * value never overflows the stack itself. Sizes are bounded too (`commandPayloadTooLarge()`, with
 * `ExecutionBehaviour.boundedPayloads`): a payload carried on would end up in a task's input.
 */
import { CommandRejection } from './command-rejection';
import { CommandErrorType } from './commands';
import { firstOversize, WORKFLOW_MAX_COMMAND_PAYLOAD_BYTES } from './payload-size';

/** Deepest nesting of arrays and objects a command payload may have. */
export const MAX_PAYLOAD_DEPTH = 64;

/** Characters of JSON of a refused command's payload kept in its CommandRejected entry. */
export const MAX_REJECTED_PAYLOAD_BYTES = 4096;

/** Longest text (a message, a command name, an actor) a CommandRejected entry keeps as it is. */
export const MAX_REJECTED_TEXT = 1024;

/** What a walk of a JSON value found, stopping early once `maxDepth` is exceeded. */
export interface PayloadShape {
  /** Deepest nesting seen (0 for a scalar), capped at `maxDepth + 1`. */
  depth: number;
  /** True when the value nests deeper than `maxDepth`. */
  tooDeep: boolean;
}

/** Measures the nesting of `value` without recursion. */
export function measurePayload(value: unknown, maxDepth = MAX_PAYLOAD_DEPTH): PayloadShape {
  const stack: Array<{ value: unknown; depth: number }> = [{ value, depth: 0 }];
  let deepest = 0;
  while (stack.length > 0) {
    const { value: current, depth } = stack.pop() as { value: unknown; depth: number };
    if (current === null || typeof current !== 'object') continue;
    const level = depth + 1;
    if (level > deepest) deepest = level;
    if (level > maxDepth) return { depth: level, tooDeep: true };
    const children = Array.isArray(current) ? current : Object.values(current);
    for (const child of children) stack.push({ value: child, depth: level });
  }
  return { depth: deepest, tooDeep: false };
}

/** Why `value` may not enter the execution's state, or undefined when it may. `path` names it in the message. */
export function payloadProblem(path: string, value: unknown): string | undefined {
  const shape = measurePayload(value);
  if (shape.tooDeep) return `${path} is nested deeper than ${MAX_PAYLOAD_DEPTH} levels`;
  return undefined;
}

/**
 * What a CommandRejected entry keeps of a refused payload: the payload itself when it is small and
 * shallow, otherwise a summary, so a flood of hostile commands cannot make the journal unreadable.
 */
export function rejectedPayloadSummary(value: unknown): unknown {
  if (value === undefined) return null;
  if (measurePayload(value).tooDeep) return { omitted: true, reason: `nested deeper than ${MAX_PAYLOAD_DEPTH} levels` };
  let text: string;
  try {
    text = JSON.stringify(value) ?? 'null';
  } catch (err) {
    return { omitted: true, reason: err instanceof Error ? err.message : String(err) };
  }
  if (text.length <= MAX_REJECTED_PAYLOAD_BYTES) return value;
  return { omitted: true, reason: `larger than ${MAX_REJECTED_PAYLOAD_BYTES} characters of JSON`, bytes: text.length, preview: text.slice(0, 256) };
}

/** `text` as a CommandRejected entry keeps it: cut at `max` characters, saying how long it was. */
export function boundedText(text: string, max = MAX_REJECTED_TEXT): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length} characters)`;
}

/**
 * The `command_data_too_large` refusal for the first of `values` (path → value) over
 * `WORKFLOW_MAX_COMMAND_PAYLOAD_BYTES` as JSON, or undefined when every one fits.
 */
export function commandPayloadTooLarge(values: Iterable<readonly [string, unknown]>): CommandRejection | undefined {
  const oversize = firstOversize(values, WORKFLOW_MAX_COMMAND_PAYLOAD_BYTES);
  if (oversize === undefined) return undefined;
  return new CommandRejection(
    CommandErrorType.CommandDataTooLarge,
    `${oversize.path} is ${oversize.size_bytes} bytes of JSON, more than the ${oversize.limit_bytes} a command may carry into an execution`,
    { ...oversize, limit: 'WORKFLOW_MAX_COMMAND_PAYLOAD_BYTES' },
  );
}
