/**
 * The frames of the journal stream, encoded by `eventsource-encoder`: multi-line `data` becomes one
 * `data:` line per line (CR, LF and CRLF alike), and an `event` or `id` holding a line break is refused
 * instead of sent as two fields.
 */
import { encode } from 'eventsource-encoder';
import type { JournalEvent } from '../../workflows/events';

/** First frame of every stream: how long a client waits before reconnecting, in ms. */
export const RETRY_FRAME = encode({ retry: 1000 });

/** Comment sent on an idle stream so proxies keep the connection. */
export const HEARTBEAT_FRAME = encode({ comment: 'heartbeat' });

/** One journal event: `id` = seq (what `Last-Event-ID` resumes after), `event` = type, `data` = the event. */
export function journalEventFrame(event: JournalEvent): string {
  return encode({ id: event.seq, event: event.type, data: JSON.stringify(event) });
}

/** The last frame once the execution closed and every event was sent. */
export function endFrame(end: { execution_id: string; status: string; last_seq: number }): string {
  return encode({ event: 'end', data: JSON.stringify(end) });
}

/** A failure while streaming (the stream keeps trying): the problem type when there is one. */
export function errorFrame(error: { type?: string; detail: string; available_after?: number }): string {
  return encode({ event: 'error', data: JSON.stringify(error) });
}
