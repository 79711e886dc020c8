/**
 * The polling loop behind `GET /api/v1/approvals/stream`: the caller's approval inbox as server-sent
 * events. The first frame is an `inbox` event with the whole inbox; another follows whenever the set
 * of pending approvals (or of executions that could not answer) changes — an approval arrived, was
 * decided elsewhere, timed out or its branch ended. Idle streams get heartbeat comments.
 *
 * The inbox is read from Temporal visibility and each awaiting execution's queries (as the plain
 * inbox route does), so the stream works on any API node and needs no event bus. Like the journal
 * stream it belongs to one `OpenStream` and returns as soon as that stream is stopped.
 */
import type { ServerResponse } from 'node:http';
import { encode } from 'eventsource-encoder';
import { ApiProblem } from '../../errors/problems';
import type { ApprovalInbox, ApprovalInboxPage } from '../../executions/approval-inbox';
import type { CommandCaller } from '../../executions/command-service';
import { errorFrame, HEARTBEAT_FRAME, RETRY_FRAME } from './sse-frames';
import { pauseFor, writeFrame, endForShutdown } from './stream-writes';
import type { OpenStream } from './stream-registry';

/** Approvals read per poll: the stream shows the newest executions' approvals, as the inbox's first page does. */
export const INBOX_STREAM_PAGE = 50;

/** Timings of an inbox stream, in ms. */
export interface InboxStreamTimings {
  /** Between two reads of the inbox. */
  pollMs: number;
  /** Between heartbeat comments on an idle stream. */
  heartbeatMs: number;
  /** On server close, how long a client that does not read gets before its connection is cut. */
  closeGraceMs: number;
}

/** What one inbox stream needs. */
export interface InboxStreamInit {
  caller: CommandCaller;
  inbox: ApprovalInbox;
  /** Turns the inbox page into the body clients get (links added); the same as the inbox route's. */
  present: (page: ApprovalInboxPage) => unknown;
  /** The first page, already read (before the response started, so failures were problem answers). */
  firstPage: ApprovalInboxPage;
  stream: OpenStream;
  raw: ServerResponse;
  timings: InboxStreamTimings;
}

/** What makes two inbox pages the same to a client: which approvals are pending, which executions are unavailable. */
export function inboxFingerprint(page: ApprovalInboxPage): string {
  const items = page.items.map((i) => `${i.execution_id}/${i.task_id}/${i.task_exec_id ?? ''}`).sort();
  const unavailable = page.unavailable.map((u) => `${u.execution_id}/${u.problem}`).sort();
  return JSON.stringify([items, unavailable]);
}

/** One `inbox` frame: the whole inbox as the client shows it. */
export function inboxFrame(body: unknown): string {
  return encode({ event: 'inbox', data: JSON.stringify(body) });
}

/** Starts the event-stream response and runs the loop until the stream is stopped. */
export async function runInboxStream(init: InboxStreamInit): Promise<void> {
  const { stream, raw, timings, inbox, caller } = init;
  raw.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  const pause = pauseFor(stream);
  const onStop = (): void => {
    if (stream.reason === 'server_closing') endForShutdown(raw, timings.closeGraceMs);
  };
  stream.signal.addEventListener('abort', onStop, { once: true });
  try {
    await writeFrame(raw, RETRY_FRAME);
    await writeFrame(raw, inboxFrame(init.present(init.firstPage)));
    let last = inboxFingerprint(init.firstPage);
    let lastWrite = Date.now();
    while (!stream.stopped) {
      await pause(timings.pollMs);
      if (stream.stopped) break;
      try {
        const page = await inbox.pending(caller, { pageSize: INBOX_STREAM_PAGE });
        const fingerprint = inboxFingerprint(page);
        if (fingerprint !== last && !stream.stopped) {
          await writeFrame(raw, inboxFrame(init.present(page)));
          last = fingerprint;
          lastWrite = Date.now();
        }
      } catch (error) {
        if (stream.stopped) break;
        // Visibility or Temporal hiccup: say so, keep polling.
        const detail = error instanceof ApiProblem ? { type: error.type, detail: error.detail } : { detail: 'reading the inbox failed' };
        await writeFrame(raw, errorFrame(detail));
        lastWrite = Date.now();
      }
      if (Date.now() - lastWrite >= timings.heartbeatMs) {
        await writeFrame(raw, HEARTBEAT_FRAME);
        lastWrite = Date.now();
      }
    }
  } finally {
    stream.signal.removeEventListener('abort', onStop);
    if (!raw.writableEnded) raw.end();
  }
}
