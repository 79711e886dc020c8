/** Schemas of the approval inbox (`GET /api/v1/approvals`). */
import { z } from 'zod';
import { DefinitionIdSchema } from '../../definitions/schema';
import type { ApprovalInboxPage } from '../../executions/approval-inbox';

export const ApprovalsQuerySchema = z.strictObject({
  status: z.literal('pending').default('pending').describe('Only `pending` (decided approvals are in each execution\'s journal)'),
  workflow: DefinitionIdSchema.optional().describe('Definition id'),
  page_size: z.coerce.number().int().min(1).max(200).default(50).describe('Executions per page (each may hold several approvals)'),
  page_token: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/, 'must be a next_page_token returned by this endpoint')
    .max(4096)
    .optional(),
});

const ApproversSchema = z.object({ roles: z.array(z.string()).optional(), users: z.array(z.string()).optional() });

export const PendingApprovalSchema = z
  .object({
    execution_id: z.string(),
    workflow_id: z.string(),
    workflow_version: z.number().int(),
    task_id: z.string(),
    task_exec_id: z.string().nullable(),
    branch: z.string().nullable(),
    requested_at: z.string(),
    message: z.unknown().describe("The approval's rendered `message`"),
    approvers: ApproversSchema.nullable().describe('null: anyone holding approvals:decide'),
    expires_at: z.string().nullable(),
    on_timeout: z.string().nullable(),
    next_task_id: z.string().nullable().describe('Where the flow goes on approve'),
    tool_call: z
      .object({ id: z.string(), name: z.string(), arguments: z.unknown() })
      .optional()
      .describe("An agent's tool call waiting for approval: approve runs it, reject gives the refusal to the model, approve with data.arguments runs it with those arguments"),
    links: z.object({ decide: z.string(), execution: z.string(), context: z.string() }),
  })
  .meta({ id: 'PendingApproval' });

export const ApprovalsResponseSchema = z.object({
  items: z.array(PendingApprovalSchema),
  unavailable: z
    .array(z.object({ execution_id: z.string(), problem: z.string(), detail: z.string() }))
    .describe('Executions awaiting the caller whose approvals could not be read right now (e.g. worker_unavailable); ask again later'),
  next_page_token: z.string().nullable(),
});

// Drift guard: the items mirror the inbox (plus links).
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Assert<T extends true> = T;
type Item = z.output<typeof PendingApprovalSchema>;
export type _InboxMatches = Assert<Same<Omit<Item, 'links'>, ApprovalInboxPage['items'][number]>>;
