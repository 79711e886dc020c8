/**
 * `GET /api/v1/executions/{id}/stream`: the execution's journal as server-sent events, live (DESIGN
 * §4, §6). Each event is `id: <seq>`, `event: <type>`, `data: <journal event JSON>`; a reconnecting
 * client sends `Last-Event-ID` (or `?after=<seq>`) and gets what follows, so it misses nothing. The
 * stream polls the journal (`eventsQuery`, after the last sent seq) with backoff, sends a heartbeat
 * comment when idle, and ends with an `end` event once the execution is closed and every event was sent.
 * Polling works on any API node, whichever worker runs the execution.
 */
import type { ServerResponse } from 'node:http';
import type { Client } from '@temporalio/client';
import type { FastifyPluginCallbackZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ApiProblem, ExecutionNotFound } from '../errors';
import type { ExecutionService } from '../../executions/execution-service';
import { effectiveStatus } from '../../executions/visibility';
import { CadenzaStatusKey } from '../../workflows/search-attributes';
import type { EventsPage } from '../../workflows/contracts';
import type { JournalEvent } from '../../workflows/events';
import { Permission } from '../auth/permissions';
import { ExecutionParamsSchema } from '../schemas/executions';
import { problemResponses } from '../schemas/problem';

export interface StreamRoutesOptions {
  executions: ExecutionService;
  client: Client;
  /** Ms between heartbeat comments on an idle stream (default 15 000). */
  heartbeatMs?: number;
  /** Poll interval bounds in ms: back to the least after new events, doubling to the most (defaults 100, 1000). */
  minPollMs?: number;
  maxPollMs?: number;
}

const PAGE = 500;
/** How often an open execution is checked for having closed without a terminal event (terminated). */
const CLOSE_CHECK_MS = 5_000;
const TERMINAL = new Set(['WorkflowExecutionSuccess', 'WorkflowExecutionFailed', 'WorkflowExecutionCancelled', 'WorkflowExecutionTimedOut']);

const SeqSchema = z.coerce.number().int().min(0);

export const StreamQuerySchema = z.strictObject({
  after: SeqSchema.optional().describe('Start after this seq (a `Last-Event-ID` header wins)'),
});

export const StreamHeadersSchema = z.looseObject({
  'last-event-id': SeqSchema.optional().describe('The `id` (seq) of the last event received: the stream resumes after it'),
});

export const streamRoutes: FastifyPluginCallbackZod<StreamRoutesOptions> = (app, options, done) => {
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  const minPollMs = options.minPollMs ?? 100;
  const maxPollMs = options.maxPollMs ?? 1_000;

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
          'After the execution closed and every event was sent, an `end` event (`{execution_id, status, last_seq}`) closes the stream.',
        params: ExecutionParamsSchema,
        querystring: StreamQuerySchema,
        headers: StreamHeadersSchema,
        response: problemResponses(400, 401, 403, 404, 503),
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      let after = request.headers['last-event-id'] ?? request.query.after ?? 0;
      // Before the stream starts, failures are ordinary problem responses (404, 503).
      let page: EventsPage | undefined = await options.executions.events(id, { after, limit: PAGE });

      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      let open = true;
      let wake: (() => void) | undefined;
      request.raw.on('close', () => {
        open = false;
        wake?.();
      });
      const pause = (ms: number): Promise<void> =>
        new Promise((resolve) => {
          const timer = setTimeout(() => {
            wake = undefined;
            resolve();
          }, ms);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });

      await write(raw, `retry: 1000\n\n`);
      let lastWrite = Date.now();
      let delay = minPollMs;
      let terminalSent = false;
      let lastCloseCheck = Date.now();
      while (open) {
        try {
          page ??= await options.executions.events(id, { after, limit: PAGE });
          for (const event of page.events) {
            await write(raw, frame(event));
            after = event.seq;
            terminalSent ||= TERMINAL.has(event.type);
          }
          if (page.events.length > 0) {
            lastWrite = Date.now();
            delay = minPollMs;
          }
          const more = page.has_more;
          page = undefined;
          if (more) continue;
          if (terminalSent || Date.now() - lastCloseCheck >= CLOSE_CHECK_MS) {
            lastCloseCheck = Date.now();
            const status = await closedStatus(options.client, id);
            if (status !== undefined) {
              // Closed: the journal is final. Send the rest, then say so.
              for (;;) {
                const rest = await options.executions.events(id, { after, limit: PAGE });
                for (const event of rest.events) {
                  await write(raw, frame(event));
                  after = event.seq;
                }
                if (!rest.has_more) break;
              }
              await write(raw, `event: end\ndata: ${JSON.stringify({ execution_id: id, status, last_seq: after })}\n\n`);
              break;
            }
          }
        } catch (error) {
          if (error instanceof ExecutionNotFound) break;
          // A worker restart or a Temporal hiccup: tell the client, keep trying.
          const detail = error instanceof ApiProblem ? { type: error.type, detail: error.detail } : { detail: 'reading the journal failed' };
          await write(raw, `event: error\ndata: ${JSON.stringify(detail)}\n\n`);
          lastWrite = Date.now();
          delay = maxPollMs;
        }
        if (!open) break;
        if (Date.now() - lastWrite >= heartbeatMs) {
          await write(raw, `: heartbeat\n\n`);
          lastWrite = Date.now();
        }
        await pause(Math.min(delay, Math.max(1, heartbeatMs - (Date.now() - lastWrite))));
        delay = Math.min(maxPollMs, delay * 2);
      }
      raw.end();
    },
  );
  done();
};

function frame(event: JournalEvent): string {
  return `id: ${event.seq}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

/** Writes, waiting for the socket to drain when its buffer is full. */
async function write(raw: ServerResponse, chunk: string): Promise<void> {
  if (raw.destroyed || raw.writableEnded) return;
  if (!raw.write(chunk)) {
    await new Promise<void>((resolve) => {
      raw.once('drain', resolve);
      raw.once('close', resolve);
    });
  }
}

/** The Cadenza-visible status of a closed execution, or undefined while it runs. */
async function closedStatus(client: Client, executionId: string): Promise<string | undefined> {
  const description = await client.workflow.getHandle(executionId).describe();
  if (description.status.name === 'RUNNING') return undefined;
  return effectiveStatus(description.status.name, description.typedSearchAttributes.get(CadenzaStatusKey));
}
