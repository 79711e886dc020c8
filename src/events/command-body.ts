/**
 * What a NATS command message carries besides its subject, read the way REST reads a request: the
 * body (strict UTF-8 and the same `assertSafeBody` checks as REST bodies), header values (names are
 * matched ignoring case, as HTTP does), the `Idempotency-Key`, and the ids in the subject, which must
 * have the shape REST path parameters have.
 */
import { Match, type MsgHdrs } from '@nats-io/transport-node';
import type { z } from 'zod';
import { decodeUtf8Body, parseJsonBody } from '../input/body-guard';
import { ValidationFailed } from '../errors/problems';
import { DefinitionIdSchema } from '../definitions/schema';
import { IdempotencyKeyHeaderSchema } from './command-messages';
import type { CommandTarget } from './subjects';

/** A command body: a JSON object (an empty message or `null` is `{}`). */
export type CommandBody = Record<string, unknown>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The body of a command message; `MalformedBody`, `BodyTooDeep` or `ValidationFailed` when it is not one. */
export function parseCommandBody(data: Uint8Array): CommandBody {
  const text = decodeUtf8Body(data, 'the message');
  if (text.trim() === '') return {};
  const value = parseJsonBody(text, 'the message');
  if (value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new ValidationFailed([{ path: 'body', message: 'must be a JSON object' }]);
  return value as CommandBody;
}

/** `body` parsed with `schema`, or `ValidationFailed` with `body.`-prefixed paths. */
export function validateMessage<S extends z.ZodType>(schema: S, body: CommandBody): z.infer<S> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  throw new ValidationFailed(
    parsed.error.issues.map((issue) => ({
      path: ['body', ...issue.path.map(String)].join('.'),
      message: issue.code === 'unrecognized_keys' ? `unknown field(s): ${issue.keys.join(', ')}` : issue.message,
    })),
  );
}

/** The distinct non-empty values of header `name`, whatever the case of its name. */
export function headerValues(headers: MsgHdrs | undefined, name: string): string[] {
  if (headers === undefined) return [];
  return [...new Set(headers.values(name, Match.IgnoreCase).map((v) => v.trim()).filter((v) => v !== ''))];
}

/** The message's `Idempotency-Key`, checked as REST checks the header. */
export function idempotencyKeyOf(headers: MsgHdrs | undefined): string | undefined {
  const values = headerValues(headers, 'Idempotency-Key');
  if (values.length === 0) return undefined;
  if (values.length > 1) throw new ValidationFailed([{ path: 'headers.idempotency-key', message: 'send one Idempotency-Key header' }]);
  const parsed = IdempotencyKeyHeaderSchema.safeParse(values[0]);
  if (!parsed.success) throw new ValidationFailed([{ path: 'headers.idempotency-key', message: parsed.error.issues[0]?.message ?? 'is invalid' }]);
  return parsed.data;
}

/**
 * Refuses a subject whose definition id or task execution id cannot be one (REST refuses such path
 * parameters the same way): `ValidationFailed` on `subject.workflow_id` / `subject.task_exec_id`.
 */
export function checkSubjectIds(target: CommandTarget): void {
  const workflowId = DefinitionIdSchema.safeParse(target.workflowId);
  if (!workflowId.success) throw new ValidationFailed([{ path: 'subject.workflow_id', message: workflowId.error.issues[0]?.message ?? 'is invalid' }]);
  if ('taskExecId' in target && !UUID.test(target.taskExecId)) {
    throw new ValidationFailed([{ path: 'subject.task_exec_id', message: 'must be the task_exec_id (a UUID) of a waiting task or a pending approval' }]);
  }
}
