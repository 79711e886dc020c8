/**
 * `GET /api/v1/executions/{id}/stream`: the execution's journal as server-sent events, live (docs/design.md
 * §4, §6). Each event is `id: <seq>`, `event: <type>`, `data: <journal event JSON>`; a reconnecting
 * client sends `Last-Event-ID` (or `?after=<seq>`) and gets what follows, so it misses nothing. The
 * loop (`../sse/journal-stream.ts`) polls the journal with backoff; polling works on any API node,
 * whichever worker runs the execution.
 *
 * Every stream holds a slot of the process's `StreamRegistry` from admission until its loop returned:
 * past `CADENZA_SSE_MAX_STREAMS` a new one is `503 stream_limit_reached`; a client that leaves (even
 * before the first page) stops its loop; closing the app ends every stream at once.
 */
import type { Client } from '@temporalio/client';
import type { FastifyPluginCallbackZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ExecutionService } from '../../executions/execution-service';
import { Permission } from '../../auth/permissions';
import { JournalSegmentExpired } from '../../errors/journal-problems';
import { ExecutionParamsSchema } from '../schemas/executions';
import { problemResponses } from '../schemas/problem';
import { JOURNAL_PAGE, runJournalStream } from '../sse/journal-stream';
import { StreamRegistry } from '../sse/stream-registry';

/** Options of `streamRoutes`. */
export interface StreamRoutesOptions {
  executions: ExecutionService;
  client: Client;
  /** The process's open streams: cap, gauge, shutdown (default: a registry of its own, default cap). */
  streams?: StreamRegistry;
  /** Ms between heartbeat comments on an idle stream (default 15 000). */
  heartbeatMs?: number;
  /** Poll interval bounds in ms: back to the least after new events, doubling to the most (defaults 100, 1000). */
  minPollMs?: number;
  maxPollMs?: number;
  /** On app close, ms a client that does not read gets before its connection is cut (default 1000). */
  closeGraceMs?: number;
}

const SeqSchema = z.coerce.number().int().min(0);

/** Query string of the stream route. */
export const StreamQuerySchema = z.strictObject({
  after: SeqSchema.optional().describe('Start after this seq (a `Last-Event-ID` header wins)'),
});

/** Headers the stream route reads. */
export const StreamHeadersSchema = z.looseObject({
  'last-event-id': SeqSchema.optional().describe('The `id` (seq) of the last event received: the stream resumes after it'),
});

/** Registers the stream route, and a `preClose` hook that ends every open stream. */
export const streamRoutes: FastifyPluginCallbackZod<StreamRoutesOptions> = (app, options, done) => {
  const streams = options.streams ?? new StreamRegistry();
  const timings = {
    heartbeatMs: options.heartbeatMs ?? 15_000,
    minPollMs: options.minPollMs ?? 100,
    maxPollMs: options.maxPollMs ?? 1_000,
    closeGraceMs: options.closeGraceMs ?? 1_000,
  };
  // Before the server waits for in-flight requests: an open stream would hold it forever.
  app.addHook('preClose', (hookDone) => {
    streams.closeAll();
    hookDone();
  });

  app.get(
    '/api/v1/executions/:id/stream',
    {
      config: { permission: Permission.ExecutionsRead },
      schema: {
        tags: ['executions'],
        summary: 'Live journal as server-sent events (text/event-stream)',
        description:
          'Each journal event is sent as `id: <seq>`, `event: <type>`, `data: <event JSON>`. Reconnect with `Last-Event-ID` ' +
          '(or `?after=<seq>`) to resume without missing or repeating events. Idle streams get a `: heartbeat` comment. ' +
          'After the execution closed and every event was sent, an `end` event (`{execution_id, status, last_seq}`) closes the stream. ' +
          'A stream that ends without `end` (the server is shutting down) is resumed the same way. ' +
          'Events of an earlier run Temporal no longer holds (namespace retention) are reported once as an `error` event ' +
          '(`type` journal_segment_expired, `available_after`); the stream goes on after them. ' +
          'Each API process serves at most `CADENZA_SSE_MAX_STREAMS` streams at once; past that, `503 stream_limit_reached`.',
        params: ExecutionParamsSchema,
        querystring: StreamQuerySchema,
        headers: StreamHeadersSchema,
        response: problemResponses(400, 401, 403, 404, 503),
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const after = request.headers['last-event-id'] ?? request.query.after ?? 0;
      const stream = streams.admit();
      const raw = reply.raw;
      // Listen before the first await: a client that leaves while the first page is read is seen too.
      const onGone = (): void => stream.stop('client_gone');
      raw.once('close', onGone);
      if (request.raw.socket.destroyed) onGone();
      try {
        // Before the stream starts, failures are ordinary problem responses (404, 503); events lost to
        // retention are reported in the stream (an `error` frame), which goes on after them.
        const firstPage = stream.stopped ? undefined : await options.executions.events(id, { after, limit: JOURNAL_PAGE }).catch(unlessExpired);
        reply.hijack();
        if (stream.reason === 'client_gone') return;
        await runJournalStream({ executionId: id, after, firstPage, stream, raw, executions: options.executions, client: options.client, timings });
      } finally {
        raw.off('close', onGone);
        stream.release();
      }
    },
  );
  done();
};

/** Undefined for events lost to retention (the stream loop reports them), the error otherwise. */
function unlessExpired(error: unknown): undefined {
  if (error instanceof JournalSegmentExpired) return undefined;
  throw error;
}
