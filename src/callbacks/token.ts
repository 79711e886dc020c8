/**
 * Callback tokens (docs/design.md §9): `<execution id, base64url>.<task_exec_id>.<secret>`, where the
 * secret is 32 random bytes (base64url). The token names the execution and task execution it resumes;
 * only the execution knows the secret, so a token cannot be guessed or forged for another task.
 */
import { randomBytes } from 'node:crypto';

/** A parsed token. */
export interface CallbackToken {
  executionId: string;
  taskExecId: string;
  secret: string;
}

const TOKEN_PATTERN = /^([A-Za-z0-9_-]{1,400})\.([0-9a-f-]{36})\.([A-Za-z0-9_-]{43})$/;

/** A new secret: 32 random bytes. */
export function newCallbackSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** The token of a callback. */
export function formatCallbackToken(token: CallbackToken): string {
  return `${Buffer.from(token.executionId, 'utf8').toString('base64url')}.${token.taskExecId}.${token.secret}`;
}

/** The parts of `text`, or undefined when it is not a token. */
export function parseCallbackToken(text: string): CallbackToken | undefined {
  const match = TOKEN_PATTERN.exec(text);
  if (match === null) return undefined;
  const [, execution, taskExecId, secret] = match;
  if (execution === undefined || taskExecId === undefined || secret === undefined) return undefined;
  return { executionId: Buffer.from(execution, 'base64url').toString('utf8'), taskExecId, secret };
}

/** The callback URL of a token under the API's public base URL. */
export function callbackUrl(publicUrl: string, token: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/api/v1/callbacks/${token}`;
}
