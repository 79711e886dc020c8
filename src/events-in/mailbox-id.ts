/**
 * The workflow id of the correlation mailbox of (event name, key) (docs/design.md §9): readable name,
 * hashed key, so any key fits and the same pair always lands on the same mailbox.
 */
import { createHash } from 'node:crypto';

/** Workflow id prefix of mailboxes. */
export const MAILBOX_ID_PREFIX = 'cadenza-mailbox';

/** The mailbox workflow id of `name` and `key`. */
export function mailboxWorkflowId(name: string, key: string): string {
  const digest = createHash('sha256').update(`${name}\n${key}`, 'utf8').digest('base64url').slice(0, 32);
  return `${MAILBOX_ID_PREFIX}-${name}-${digest}`;
}
