/**
 * The failure converter of every Cadenza worker and bundle (`failureConverterPath`): Temporal's
 * default, with every text of a failure made well-formed UTF-16 on the way out.
 *
 * A failure's message, stack trace and type are protobuf strings. A JS string may hold a lone
 * surrogate (JSON's `"\udfff"` escape in any command payload decodes to one), and a refusal message
 * quotes what the command carried (a task id, a name). Encoded as protobuf such a string is invalid
 * UTF-8, which the SDK's core refuses: it cannot decode the workflow's completion and shuts the
 * whole worker down (`Cannot decode Completion from buffer: InvalidString`), so one hostile update
 * would stop every execution on the worker. Replacing each lone surrogate with U+FFFD keeps the
 * message readable and changes no history that could have been recorded: a failure holding a lone
 * surrogate never reached the server. Runs in the workflow sandbox and in Node (activity failures).
 */
import { DefaultFailureConverter, type PayloadConverter, type ProtoFailure, type SerializationContext } from '@temporalio/common';
import { wellFormed } from './well-formed';

type Mutable = Record<string, unknown>;

/**
 * Makes every string of `failure` (messages, stack traces, types, ids, its causes) well-formed, in
 * place; payloads (bytes) are left as they are: their JSON is UTF-8 already. Iterative: a cause
 * chain of any length is walked without recursion.
 */
export function makeWellFormed(failure: ProtoFailure): ProtoFailure {
  const stack: Mutable[] = [failure as Mutable];
  while (stack.length > 0) {
    const node = stack.pop()!;
    for (const key of Object.keys(node)) {
      const value = node[key];
      if (typeof value === 'string') node[key] = wellFormed(value);
      else if (value !== null && typeof value === 'object' && !(value instanceof Uint8Array)) stack.push(value as Mutable);
    }
  }
  return failure;
}

/** Temporal's default failure converter, whose failures are always encodable. */
export class WellFormedFailureConverter extends DefaultFailureConverter {
  override errorToFailure(err: unknown, payloadConverter: PayloadConverter, context?: SerializationContext): ProtoFailure {
    return makeWellFormed(super.errorToFailure(err, payloadConverter, context));
  }
}

/** The instance the SDK loads from `failureConverterPath` (a named export it requires). */
// eslint-disable-next-line no-restricted-syntax -- stateless: the SDK's required export, not workflow state.
export const failureConverter = new WellFormedFailureConverter();
