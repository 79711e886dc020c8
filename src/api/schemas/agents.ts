/**
 * The agent part of a task context (docs/design.md §8): the conversation, the tool calls and the
 * usage of one agent run, mirroring `AgentLoopState` exactly (a drift guard checks it).
 */
import { z } from 'zod';
import type { AgentLoopState } from '../../workflows/agent-contracts';

const ToolCallMessageSchema = z.object({ id: z.string(), type: z.literal('function'), function: z.object({ name: z.string(), arguments: z.string() }) });

const MessageSchema = z.union([
  z.object({ role: z.literal('system'), content: z.string() }),
  z.object({ role: z.literal('user'), content: z.string() }),
  z.object({ role: z.literal('assistant'), content: z.string().nullable(), tool_calls: z.array(ToolCallMessageSchema).optional() }),
  z.object({ role: z.literal('tool'), tool_call_id: z.string(), content: z.string() }),
]);

const UsageSchema = z.object({ prompt_tokens: z.number(), completion_tokens: z.number(), total_tokens: z.number() });

const ErrorSchema = z.object({ message: z.string(), type: z.string().nullable(), non_retryable: z.boolean(), details: z.unknown().optional() });

const ToolCallSchema = z.object({
  id: z.string(),
  name: z.string(),
  arguments: z.unknown(),
  raw_arguments: z.string(),
  turn: z.number().int(),
  key: z.string(),
  idempotency_key: z.string(),
  status: z.enum(['pending', 'awaiting_approval', 'running', 'succeeded', 'failed', 'rejected']),
  approval: z.object({ decision: z.enum(['approve', 'reject']), approver: z.string(), comment: z.string().nullable(), edited_arguments: z.boolean() }).nullable(),
  result: z.unknown(),
  error: ErrorSchema.nullable(),
  answered: z.boolean(),
});

/** An agent run as the task context shows it. */
export const AgentRunSchema = z
  .object({
    agent_id: z.string(),
    model: z.string(),
    base_url: z.string(),
    messages: z.array(MessageSchema).describe('The conversation: system, user, assistant (with tool calls) and tool messages'),
    turns: z.number().int().describe('Model calls answered in this run'),
    usage: UsageSchema,
    tool_calls: z.array(ToolCallSchema),
    repairs: z.number().int(),
    raw_output: z.string().nullable().describe('The last final answer as the model wrote it'),
    started: z.boolean(),
    continued_from: z.string().nullable().describe('The run whose conversation this one continues'),
  })
  .meta({ id: 'AgentRun' });

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Assert<T extends true> = T;
export type _AgentRunMatchesContract = Assert<Same<z.output<typeof AgentRunSchema>, AgentLoopState>>;
