/**
 * Events in (docs/design.md §9): `POST /api/v1/events` (the EventRouter: triggers and correlated
 * waits), callback URLs `POST /api/v1/callbacks/{token}` (no API key: the token is the credential)
 * and their revocation.
 */
import type { FastifyPluginCallbackZod } from 'fastify-type-provider-zod';
import { Permission } from '../../auth/permissions';
import type { CallbackService } from '../../callbacks/callback-service';
import type { EventRouter } from '../../events-in/event-router';
import { callerOf } from '../auth/authentication';
import {
  CallbackBodySchema,
  CallbackParamsSchema,
  CallbackResponseSchema,
  EventBodySchema,
  EventResponseSchema,
  RevokeCallbackParamsSchema,
  RevokeCallbackResponseSchema,
} from '../schemas/events-in';
import { problemResponses } from '../schemas/problem';

export interface EventsInRoutesOptions {
  router: EventRouter;
  callbacks: CallbackService;
}

export const eventsInRoutes: FastifyPluginCallbackZod<EventsInRoutesOptions> = (app, { router, callbacks }, done) => {
  app.post(
    '/api/v1/events',
    {
      config: { permission: Permission.EventsPublish },
      schema: {
        tags: ['events'],
        summary: 'Send an event in (EventRouter)',
        description:
          'Starts every definition whose `triggers` match (schema, CEL filter, input mapping) and, with a `key`, resumes every ' +
          '`wait` task whose `wait_for` is `name` and whose `correlate` gives `key`, in any execution. An event no wait takes yet is ' +
          'kept for CADENZA_EVENT_KEEP and taken by the wait that comes. The same `id` again starts and resumes nothing new.',
        body: EventBodySchema,
        response: { 200: EventResponseSchema, ...problemResponses(400, 401, 403, 413, 503) },
      },
    },
    async (request) => router.route(request.body, callerOf(request).actor),
  );

  app.post(
    '/api/v1/callbacks/:token',
    {
      config: { keyless: true },
      schema: {
        tags: ['events'],
        summary: 'Use a callback URL',
        description:
          'Resumes the one waiting task the token was issued for: a wait task with `resume_data`, an approval with `decision` ' +
          '(`comment`, `data`). No API key: the token is the credential. Using it again answers the same; 410 once it is used up ' +
          'by another path, expired with its gate, or revoked.',
        params: CallbackParamsSchema,
        body: CallbackBodySchema,
        response: { 200: CallbackResponseSchema, ...problemResponses(400, 404, 409, 410, 422, 503) },
      },
      // Nothing about the caller is needed, and the token must not end up in access logs by default.
      logLevel: 'warn',
    },
    async (request) => callbacks.use(request.params.token, request.body ?? {}),
  );

  app.delete(
    '/api/v1/executions/:id/callbacks/:taskExecId',
    {
      config: { permission: Permission.ExecutionResume },
      schema: {
        tags: ['commands'],
        summary: "Revoke a task execution's callback URL",
        description: 'The URL answers 410 from now on; the task keeps waiting for the other commands. 409 task_not_waiting when it has no open callback.',
        params: RevokeCallbackParamsSchema,
        response: { 200: RevokeCallbackResponseSchema, ...problemResponses(400, 401, 403, 404, 409, 503) },
      },
    },
    async (request) => callbacks.revoke(request.params.id, request.params.taskExecId),
  );
  done();
};
