/**
 * The approval inbox: `GET /api/v1/approvals?status=pending` (docs/design.md §14.3), and the same
 * inbox live as server-sent events, `GET /api/v1/approvals/stream` (docs/design.md §10: the console's
 * inbox updates when approvals arrive or are decided elsewhere).
 */
import type { FastifyPluginCallbackZod } from 'fastify-type-provider-zod';
import type { ApprovalInbox, ApprovalInboxPage } from '../../executions/approval-inbox';
import { callerOf } from '../auth/authentication';
import { Permission } from '../../auth/permissions';
import { ApprovalsQuerySchema, ApprovalsResponseSchema, ApprovalStreamQuerySchema } from '../schemas/approvals';
import { problemResponses } from '../schemas/problem';
import { INBOX_STREAM_PAGE, runInboxStream } from '../sse/inbox-stream';
import { StreamRegistry } from '../sse/stream-registry';

/** Options of `approvalRoutes`. */
export interface ApprovalRoutesOptions {
  inbox: ApprovalInbox;
  /** The process's open streams (cap, shutdown); default: a registry of its own. */
  streams?: StreamRegistry;
  /** Ms between two reads of the inbox on a stream (default 1000). */
  streamPollMs?: number;
  /** Ms between heartbeat comments on an idle stream (default 15 000). */
  heartbeatMs?: number;
}

/** An inbox page as clients get it: every item with the links to decide it and to read its execution. */
export function presentInbox(page: ApprovalInboxPage): {
  items: Array<ApprovalInboxPage['items'][number] & { links: { decide: string; execution: string; context: string } }>;
  unavailable: ApprovalInboxPage['unavailable'];
  next_page_token: string | null;
} {
  return {
    items: page.items.map((item) => {
      const execution = `/api/v1/executions/${item.execution_id}`;
      return { ...item, links: { decide: `${execution}/approvals/${item.task_id}`, execution, context: `${execution}/tasks/${item.task_id}/context` } };
    }),
    unavailable: page.unavailable,
    next_page_token: page.next_page_token,
  };
}

/** Registers the inbox and its stream, and a `preClose` hook that ends every open stream. */
export const approvalRoutes: FastifyPluginCallbackZod<ApprovalRoutesOptions> = (app, options, done) => {
  const { inbox } = options;
  const streams = options.streams ?? new StreamRegistry();
  app.addHook('preClose', (hookDone) => {
    streams.closeAll();
    hookDone();
  });

  app.get(
    '/api/v1/approvals',
    {
      config: { permission: Permission.ApprovalsDecide },
      schema: {
        tags: ['approvals'],
        summary: "The caller's approval inbox",
        description:
          'Open approvals the caller may decide: those naming its user, one of its roles, or no approvers at all. Read from ' +
          'Temporal visibility (`CadenzaAwaiting`), which may lag a second behind. Each item carries the `decision_schema`, ' +
          "an agent's `tool_call` when it is one, and the task's inbound `context` the approver decides on.",
        querystring: ApprovalsQuerySchema,
        response: { 200: ApprovalsResponseSchema, ...problemResponses(400, 401, 403, 503) },
      },
    },
    async (request) => {
      const { page_size: pageSize, page_token: pageToken, workflow } = request.query;
      const page = await inbox.pending(callerOf(request), {
        pageSize,
        ...(pageToken === undefined ? {} : { pageToken }),
        ...(workflow === undefined ? {} : { workflow }),
      });
      return presentInbox(page);
    },
  );

  app.get(
    '/api/v1/approvals/stream',
    {
      config: { permission: Permission.ApprovalsDecide },
      schema: {
        tags: ['approvals'],
        summary: "The caller's approval inbox, live, as server-sent events (text/event-stream)",
        description:
          `An \`inbox\` event (data: the inbox's first page of ${INBOX_STREAM_PAGE} executions, as \`GET /api/v1/approvals\` answers it) ` +
          'opens the stream; another follows whenever the pending approvals change: one arrived, was decided (here or elsewhere), ' +
          'timed out, or its branch ended. Idle streams get a `: heartbeat` comment; a failed read is an `error` event and the ' +
          'stream keeps polling. Counts against `CADENZA_SSE_MAX_STREAMS` (past it, `503 stream_limit_reached`).',
        querystring: ApprovalStreamQuerySchema,
        response: problemResponses(400, 401, 403, 503),
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const stream = streams.admit();
      const raw = reply.raw;
      const onGone = (): void => stream.stop('client_gone');
      raw.once('close', onGone);
      if (request.raw.socket.destroyed) onGone();
      try {
        // Before the stream starts, failures are ordinary problem responses (503).
        const firstPage = await inbox.pending(caller, { pageSize: INBOX_STREAM_PAGE });
        reply.hijack();
        if (stream.reason === 'client_gone') return;
        await runInboxStream({
          caller,
          inbox,
          present: presentInbox,
          firstPage,
          stream,
          raw,
          timings: { pollMs: options.streamPollMs ?? 1_000, heartbeatMs: options.heartbeatMs ?? 15_000, closeGraceMs: 1_000 },
        });
      } finally {
        raw.off('close', onGone);
        stream.release();
      }
    },
  );
  done();
};
