/**
 * Commands on an execution (docs/design.md §4, §5): pause, resume (and its dry run), task resume, approval
 * decisions and generic signals. The actor is the authenticated caller; `Idempotency-Key` makes a
 * retried command replay its first answer.
 */
import type { FastifyPluginCallbackZod } from 'fastify-type-provider-zod';
import type { ExecutionCommandService, TaskRef } from '../../executions/command-service';
import { callerOf } from '../auth/authentication';
import { Permission } from '../../auth/permissions';
import {
  CommandHeadersSchema,
  DecisionBodySchema,
  DecisionParamsSchema,
  PauseBodySchema,
  ResumeBodySchema,
  ResumeQuerySchema,
  ResumeResponseSchema,
  SignalBodySchema,
  SignalParamsSchema,
  SignalResponseSchema,
  TaskResumeBodySchema,
  TaskResumeParamsSchema,
} from '../schemas/commands';
import { ExecutionParamsSchema, StatusResponseSchema } from '../schemas/executions';
import { problemResponses } from '../schemas/problem';

export interface CommandRoutesOptions {
  commands: ExecutionCommandService;
}

const BASE = '/api/v1/executions';
const tags = ['commands'];
/** What a command with data can be refused with (422: the workflow checks the data; 413, 429: the size and Temporal limits). */
const refusals = problemResponses(400, 401, 403, 404, 409, 413, 422, 429, 503);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function idempotency(key: string | undefined): { idempotencyKey?: string } {
  return key === undefined ? {} : { idempotencyKey: key };
}

export const commandRoutes: FastifyPluginCallbackZod<CommandRoutesOptions> = (app, { commands }, done) => {
  app.post(
    `${BASE}/:id/pause`,
    {
      config: { permission: Permission.ExecutionPause },
      schema: {
        tags,
        summary: 'Pause (WorkflowPause)',
        description:
          'graceful (default): nothing new is dispatched and in-flight tasks finish (`pausing` → `paused`); immediate: in-flight ' +
          'tasks are cancelled and re-run on resume. 409 already_paused, 409 execution_closed.',
        params: ExecutionParamsSchema,
        headers: CommandHeadersSchema,
        body: PauseBodySchema,
        response: { 200: StatusResponseSchema, ...problemResponses(400, 401, 403, 404, 409, 413, 429, 503) },
      },
    },
    async (request) => {
      const body = request.body ?? {};
      return commands.pause(request.params.id, body, callerOf(request), idempotency(request.headers['idempotency-key']));
    },
  );

  app.post(
    `${BASE}/:id/resume`,
    {
      config: { permission: Permission.ExecutionResume },
      schema: {
        tags,
        summary: 'Resume (WorkflowResume), or its dry run',
        description:
          'continue clears a manual pause or breakpoint; retry re-runs failed tasks (optionally with `tasks.<id>.input` and a ' +
          '`context` patch); skip marks them skipped with `tasks.<id>.output`. Requirements are checked before anything changes: ' +
          '409 resume_requirements_unmet lists `missing` (every failed branch still needing a decision) and `still_open`; ' +
          '409 task_already_completed, 409 not_paused. With `?dry_run=true` the answer is the plan (200 even when it would be ' +
          'refused: `ok: false`, `error`, `missing`) and nothing changes. Concurrent resumes: exactly one applies.',
        params: ExecutionParamsSchema,
        querystring: ResumeQuerySchema,
        headers: CommandHeadersSchema,
        body: ResumeBodySchema,
        response: { 200: ResumeResponseSchema, ...refusals },
      },
    },
    async (request) => {
      const { id } = request.params;
      const body = request.body ?? {};
      const caller = callerOf(request);
      if (request.query.dry_run) {
        return { execution_id: id, dry_run: true, plan: await commands.planResume(id, body, caller), status: null };
      }
      const result = await commands.resume(id, body, caller, idempotency(request.headers['idempotency-key']));
      return { execution_id: id, dry_run: false, plan: result.plan, status: result.status };
    },
  );

  app.post(
    `${BASE}/:id/tasks/:taskId/resume`,
    {
      config: { permission: Permission.ExecutionResume },
      schema: {
        tags,
        summary: 'Wake a waiting task (TaskResume, docs/design.md §14.0)',
        description:
          'Wakes a `wait` task or a task whose tool asked to wait. `taskId` is the task id or the `task_exec_id` of its waiting ' +
          'run. 422 resume_data_invalid (against `resume_schema`), 409 condition_not_met (the task keeps waiting), ' +
          '409 task_not_waiting, 404 task_not_found.',
        params: TaskResumeParamsSchema,
        headers: CommandHeadersSchema,
        body: TaskResumeBodySchema,
        response: { 200: StatusResponseSchema, ...refusals },
      },
    },
    async (request) => {
      const { id, taskId } = request.params;
      const task: TaskRef = UUID.test(taskId) ? { task_exec_id: taskId.toLowerCase() } : { task_id: taskId };
      const resumeData = request.body?.resume_data ?? null;
      return commands.resumeTask(id, task, resumeData, callerOf(request), idempotency(request.headers['idempotency-key']));
    },
  );

  app.post(
    `${BASE}/:id/approvals/:taskId`,
    {
      config: { permission: Permission.ApprovalsDecide },
      schema: {
        tags: ['approvals'],
        summary: 'Decide an approval (ApprovalDecide)',
        description:
          'The approver is the authenticated caller (its key\'s name and roles), never the body. 403 approver_not_allowed ' +
          '(not among `approvers`), 422 decision_invalid (`data` against `decision_schema`), 409 approval_not_pending.',
        params: DecisionParamsSchema,
        headers: CommandHeadersSchema,
        body: DecisionBodySchema,
        response: { 200: StatusResponseSchema, ...refusals },
      },
    },
    async (request) => {
      const { id, taskId } = request.params;
      const { decision, comment, data } = request.body;
      return commands.decide(
        id,
        taskId,
        { decision, ...(comment === undefined ? {} : { comment }), ...(data === undefined ? {} : { data }) },
        callerOf(request),
        idempotency(request.headers['idempotency-key']),
      );
    },
  );

  app.post(
    `${BASE}/:id/signals/:name`,
    {
      config: { permission: Permission.ExecutionSignal },
      schema: {
        tags,
        summary: 'Send a generic signal (a `wait_for` name)',
        description:
          'Delivered as a Temporal signal of that name (202). A waiting task whose condition the payload meets wakes with it; ' +
          'otherwise the task keeps waiting and the journal records CommandRejected. A signal no task waits for yet is kept ' +
          'for the wait task that will. Command names (pause, resume, taskResume, decide) are refused: use their endpoints. ' +
          '413 command_data_too_large (payload over CADENZA_MAX_COMMAND_DATA_BYTES), 409 signal_limit_reached (Temporal\'s signals per execution).',
        params: SignalParamsSchema,
        body: SignalBodySchema,
        response: { 202: SignalResponseSchema, ...problemResponses(400, 401, 403, 404, 409, 413, 429, 503) },
      },
    },
    async (request, reply) => {
      const { id, name } = request.params;
      await commands.signal(id, name, request.body?.payload ?? null);
      return reply.code(202).send({ execution_id: id, signal: name, accepted: true as const });
    },
  );
  done();
};
