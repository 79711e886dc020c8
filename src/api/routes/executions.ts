/**
 * Executions: trigger (`POST /api/v1/workflows/{id}/executions`), list, read (state, status,
 * events, task context) and cancel. Commands (pause, resume, approvals, signals) are in commands.ts.
 */
import type { FastifyPluginCallbackZod } from 'fastify-type-provider-zod';
import { awaitingEntriesOf } from '../../executions/approval-inbox';
import type { ExecutionService } from '../../executions/execution-service';
import { callerOf } from '../auth/authentication';
import { Permission } from '../../auth/permissions';
import { problemResponses } from '../schemas/problem';
import {
  CancelResponseSchema,
  EventsQuerySchema,
  EventsResponseSchema,
  ExecutionParamsSchema,
  ExecutionResponseSchema,
  ListExecutionsQuerySchema,
  ListExecutionsResponseSchema,
  StatusResponseSchema,
  TaskContextParamsSchema,
  TaskContextResponseSchema,
  TriggerBodySchema,
  TriggerHeadersSchema,
  TriggerParamsSchema,
  TriggerResponseSchema,
} from '../schemas/executions';

export interface ExecutionRoutesOptions {
  executions: ExecutionService;
}

const BASE = '/api/v1/executions';
const tags = ['executions'];

function linksOf(executionId: string) {
  const self = `${BASE}/${executionId}`;
  return { self, status: `${self}/status`, events: `${self}/events`, cancel: `${self}/cancel`, pause: `${self}/pause`, resume: `${self}/resume` };
}

export const executionRoutes: FastifyPluginCallbackZod<ExecutionRoutesOptions> = (app, { executions }, done) => {
  app.post(
    '/api/v1/workflows/:id/executions',
    {
      config: { permission: Permission.ExecutionsTrigger },
      schema: {
        tags,
        summary: 'Trigger an execution (WorkflowTrigger)',
        description:
          'Validates `input` against the definition\'s input schema and starts the execution. With an `Idempotency-Key` ' +
          'header a replay (even after the execution finished) returns the same execution with `Idempotent-Replayed: true`; ' +
          'the same key with a different body is 422 idempotency_key_reused; an input over CADENZA_MAX_INPUT_BYTES is 413 input_too_large.',
        params: TriggerParamsSchema,
        headers: TriggerHeadersSchema,
        body: TriggerBodySchema,
        response: { 202: TriggerResponseSchema, ...problemResponses(400, 401, 403, 404, 413, 415, 422, 429, 503) },
      },
    },
    async (request, reply) => {
      const body = request.body ?? {};
      const idempotencyKey = request.headers['idempotency-key'];
      const result = await executions.trigger({
        workflowId: request.params.id,
        ...(body.version === undefined ? {} : { version: body.version }),
        input: body.input,
        ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
        source: 'api',
        actor: request.principal.name,
      });
      if (result.replayed) void reply.header('idempotent-replayed', 'true');
      return reply
        .code(202)
        .header('location', `${BASE}/${result.execution_id}`)
        .send({
          execution_id: result.execution_id,
          workflow_id: result.workflow_id,
          workflow_version: result.workflow_version,
          status: result.status,
          links: linksOf(result.execution_id),
        });
    },
  );

  app.get(
    BASE,
    {
      config: { permission: Permission.ExecutionsRead },
      schema: {
        tags,
        summary: 'List executions (Temporal visibility), newest first',
        querystring: ListExecutionsQuerySchema,
        response: { 200: ListExecutionsResponseSchema, ...problemResponses(400, 401, 403, 503) },
      },
    },
    async (request) => {
      const { status, workflow, awaiting, page_size: pageSize, page_token: pageToken } = request.query;
      return executions.list({
        pageSize,
        ...(status === undefined ? {} : { status }),
        ...(workflow === undefined ? {} : { workflow }),
        ...(awaiting === 'me' ? { awaiting: awaitingEntriesOf(callerOf(request)) } : {}),
        ...(pageToken === undefined ? {} : { pageToken }),
      });
    },
  );

  app.get(
    `${BASE}/:id`,
    {
      config: { permission: Permission.ExecutionsRead },
      schema: {
        tags,
        summary: 'Execution state: tasks, gates, outputs',
        params: ExecutionParamsSchema,
        response: { 200: ExecutionResponseSchema, ...problemResponses(401, 403, 404, 503) },
      },
    },
    async (request) => executions.get(request.params.id),
  );

  app.get(
    `${BASE}/:id/status`,
    {
      config: { permission: Permission.ExecutionsRead },
      schema: {
        tags,
        summary: 'Execution status with the pause fields',
        params: ExecutionParamsSchema,
        response: { 200: StatusResponseSchema, ...problemResponses(401, 403, 404, 503) },
      },
    },
    async (request) => executions.status(request.params.id),
  );

  app.get(
    `${BASE}/:id/events`,
    {
      config: { permission: Permission.ExecutionsRead },
      schema: {
        tags,
        summary: 'A page of the execution journal',
        description:
          'Events with `seq` greater than `after`, continuous across the runs of an execution that continued as new; a page may ' +
          'end early at the end of a run (`has_more: true`). 410 journal_segment_expired when those events were in a run Temporal ' +
          'no longer holds (namespace retention); its `available_after` says where the journal goes on.',
        params: ExecutionParamsSchema,
        querystring: EventsQuerySchema,
        response: { 200: EventsResponseSchema, ...problemResponses(400, 401, 403, 404, 410, 503) },
      },
    },
    async (request) => {
      const { after, limit } = request.query;
      return executions.events(request.params.id, {
        ...(after === undefined ? {} : { after }),
        ...(limit === undefined ? {} : { limit }),
      });
    },
  );

  app.get(
    `${BASE}/:id/tasks/:taskId/context`,
    {
      config: { permission: Permission.ExecutionsRead },
      schema: {
        tags,
        summary: 'Task context: inbound context, resolved input, output, error, attempts',
        params: TaskContextParamsSchema,
        response: { 200: TaskContextResponseSchema, ...problemResponses(400, 401, 403, 404, 503) },
      },
    },
    async (request) => executions.taskContext(request.params.id, request.params.taskId),
  );

  app.post(
    `${BASE}/:id/cancel`,
    {
      config: { permission: Permission.ExecutionCancel },
      schema: {
        tags,
        summary: 'Request cancellation (WorkflowCancel); works while paused',
        params: ExecutionParamsSchema,
        response: { 202: CancelResponseSchema, ...problemResponses(401, 403, 404, 409, 503) },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const status = await executions.cancel(id);
      return reply.code(202).send({ execution_id: id, status, cancel_requested: true as const, links: linksOf(id) });
    },
  );
  done();
};
