/** The approval inbox: `GET /api/v1/approvals?status=pending` (docs/design.md §14.3). */
import type { FastifyPluginCallbackZod } from 'fastify-type-provider-zod';
import type { ApprovalInbox } from '../../executions/approval-inbox';
import { callerOf } from '../auth/authentication';
import { Permission } from '../../auth/permissions';
import { ApprovalsQuerySchema, ApprovalsResponseSchema } from '../schemas/approvals';
import { problemResponses } from '../schemas/problem';

export interface ApprovalRoutesOptions {
  inbox: ApprovalInbox;
}

export const approvalRoutes: FastifyPluginCallbackZod<ApprovalRoutesOptions> = (app, { inbox }, done) => {
  app.get(
    '/api/v1/approvals',
    {
      config: { permission: Permission.ApprovalsDecide },
      schema: {
        tags: ['approvals'],
        summary: "The caller's approval inbox",
        description:
          'Open approvals the caller may decide: those naming its user, one of its roles, or no approvers at all. Read from ' +
          'Temporal visibility (`CadenzaAwaiting`), which may lag a second behind.',
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
      return {
        items: page.items.map((item) => {
          const execution = `/api/v1/executions/${item.execution_id}`;
          return { ...item, links: { decide: `${execution}/approvals/${item.task_id}`, execution, context: `${execution}/tasks/${item.task_id}/context` } };
        }),
        unavailable: page.unavailable,
        next_page_token: page.next_page_token,
      };
    },
  );
  done();
};
