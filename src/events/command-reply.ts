/**
 * The wire form of a command reply. A NATS message must fit the server's `max_payload` (1 MiB by
 * default), and a reply too large for it would not be sent at all: the sender would time out without
 * learning whether its command applied. A reply over the limit keeps its small members and says
 * `truncated: true` (the whole result is readable over REST).
 */
import type { CommandReply } from './command-messages';

/** Room left for the reply's headers and subject. */
const HEADROOM_BYTES = 4096;
/** Largest member of a result kept in a truncated reply. */
const SMALL_MEMBER_BYTES = 1024;

/** The JSON text of `reply`, at most `maxPayload` bytes minus headroom. */
export function encodeReply(reply: CommandReply, maxPayload: number): string {
  const full = JSON.stringify(reply);
  const limit = Math.max(SMALL_MEMBER_BYTES * 2, maxPayload - HEADROOM_BYTES);
  if (Buffer.byteLength(full, 'utf8') <= limit) return full;
  if (reply.ok) return JSON.stringify({ ok: true, command: reply.command, result: smallMembers(reply.result), truncated: true });
  const { type, title, status, detail, instance } = reply.problem;
  return JSON.stringify({
    ok: false,
    command: reply.command,
    problem: { type, title, status, detail: detail.length > SMALL_MEMBER_BYTES ? `${detail.slice(0, SMALL_MEMBER_BYTES)}...` : detail, instance, truncated: true },
  });
}

function smallMembers(result: unknown): Record<string, unknown> | null {
  if (typeof result !== 'object' || result === null || Array.isArray(result)) return null;
  return Object.fromEntries(Object.entries(result).filter(([, value]) => (JSON.stringify(value) ?? '').length <= SMALL_MEMBER_BYTES));
}
