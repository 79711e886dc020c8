/**
 * The polling loop behind `GET /api/v1/executions/{id}/stream`: sends the journal after a seq as
 * server-sent events, polls for more with backoff, sends heartbeat comments when idle, and ends with
 * an `end` event once the execution closed and every event was sent.
 *
 * The loop belongs to one `OpenStream` and returns as soon as that stream is stopped: its client went
 * away (no query is made after that) or the server is closing (the response is ended at once; a
 * client that does not read it is cut off after `closeGraceMs`). A Temporal call in flight when the
 * stream stops is not cancelled, but nothing follows it; it is bounded by the worker deadline.
 */
import type { ServerResponse } from 'node:http';
import type { Client } from '@temporalio/client';
import { ApiProblem, ExecutionNotFound } from '../../errors/problems';
import { JournalSegmentExpired } from '../../errors/journal-problems';
import type { ExecutionService } from '../../executions/execution-service';
import type { JournalPage } from '../../executions/journal-segments';
import { effectiveStatus } from '../../executions/visibility';
import { CadenzaStatusKey } from '../../workflows/search-attributes';
import { endFrame, errorFrame, HEARTBEAT_FRAME, journalEventFrame, RETRY_FRAME } from './sse-frames';
import type { OpenStream } from './stream-registry';
import { endForShutdown, pauseFor, writeFrame } from './stream-writes';

/** Journal events asked for per query. */
export const JOURNAL_PAGE = 500;
/** How often an open execution is checked for having closed without a terminal event (terminated). */
const CLOSE_CHECK_MS = 5_000;
const TERMINAL = new Set(['WorkflowExecutionSuccess', 'WorkflowExecutionFailed', 'WorkflowExecutionCancelled', 'WorkflowExecutionTimedOut']);

/** Timings of a journal stream, in ms. */
export interface JournalStreamTimings {
  /** Between heartbeat comments on an idle stream. */
  heartbeatMs: number;
  /** Poll interval bounds: back to the least after new events, doubling to the most. */
  minPollMs: number;
  maxPollMs: number;
  /** On server close, how long a client that does not read gets before its connection is cut. */
  closeGraceMs: number;
}

/** What one journal stream needs. */
export interface JournalStreamInit {
  executionId: string;
  /** Send the events after this seq. */
  after: number;
  /** The first page, already read (before the response started, so failures were problem answers). */
  firstPage: JournalPage | undefined;
  stream: OpenStream;
  raw: ServerResponse;
  executions: ExecutionService;
  client: Client;
  timings: JournalStreamTimings;
}

/** Starts the event-stream response and runs the loop until the stream ends or is stopped. */
export async function runJournalStream(init: JournalStreamInit): Promise<void> {
  const { executionId: id, stream, raw, executions, timings } = init;
  const { heartbeatMs, minPollMs, maxPollMs } = timings;
  raw.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  const onStop = (): void => {
    if (stream.reason === 'server_closing') endForShutdown(raw, timings.closeGraceMs);
  };
  stream.signal.addEventListener('abort', onStop, { once: true });
  const pause = pauseFor(stream);

  let after = init.after;
  let page = init.firstPage;
  await writeFrame(raw, RETRY_FRAME);
  let lastWrite = Date.now();
  let delay = minPollMs;
  let terminalSent = false;
  let lastCloseCheck = Date.now();
  try {
    while (!stream.stopped) {
      try {
        page ??= await executions.events(id, { after, limit: JOURNAL_PAGE });
        for (const event of page.events) {
          await writeFrame(raw, journalEventFrame(event));
          after = event.seq;
          terminalSent ||= TERMINAL.has(event.type);
        }
        if (page.events.length > 0) {
          lastWrite = Date.now();
          delay = minPollMs;
        }
        const more = page.has_more;
        page = undefined;
        if (stream.stopped) break;
        if (more) continue;
        if (terminalSent || Date.now() - lastCloseCheck >= CLOSE_CHECK_MS) {
          lastCloseCheck = Date.now();
          const status = await closedStatus(init.client, id);
          if (status !== undefined) {
            // Closed: the journal is final. Send the rest, then say so.
            for (let rest = true; rest && !stream.stopped; ) {
              const tail = await executions.events(id, { after, limit: JOURNAL_PAGE });
              for (const event of tail.events) {
                await writeFrame(raw, journalEventFrame(event));
                after = event.seq;
              }
              rest = tail.has_more;
            }
            await writeFrame(raw, endFrame({ execution_id: id, status, last_seq: after }));
            break;
          }
        }
      } catch (error) {
        if (error instanceof ExecutionNotFound) break;
        if (stream.stopped) break;
        if (error instanceof JournalSegmentExpired) {
          // Events of a run Temporal no longer holds: say so once, go on with what is left.
          await writeFrame(raw, expiredFrame(error));
          after = Math.max(after, Number(error.extensions.available_after));
          page = undefined;
          continue;
        }
        // A worker restart or a Temporal hiccup: tell the client, keep trying.
        const detail = error instanceof ApiProblem ? { type: error.type, detail: error.detail } : { detail: 'reading the journal failed' };
        await writeFrame(raw, errorFrame(detail));
        lastWrite = Date.now();
        delay = maxPollMs;
      }
      if (stream.stopped) break;
      if (Date.now() - lastWrite >= heartbeatMs) {
        await writeFrame(raw, HEARTBEAT_FRAME);
        lastWrite = Date.now();
      }
      await pause(Math.min(delay, Math.max(1, heartbeatMs - (Date.now() - lastWrite))));
      delay = Math.min(maxPollMs, delay * 2);
    }
  } finally {
    stream.signal.removeEventListener('abort', onStop);
    if (!raw.writableEnded) raw.end();
  }
}

/** The `error` frame of events lost to Temporal's retention, with where the stream goes on. */
export function expiredFrame(error: JournalSegmentExpired): string {
  return errorFrame({ type: error.type, detail: error.detail, available_after: Number(error.extensions.available_after) });
}

/** The Cadenza-visible status of a closed execution, or undefined while it runs. */
async function closedStatus(client: Client, executionId: string): Promise<string | undefined> {
  const description = await client.workflow.getHandle(executionId).describe();
  if (description.status.name === 'RUNNING') return undefined;
  return effectiveStatus(description.status.name, description.typedSearchAttributes.get(CadenzaStatusKey));
}
