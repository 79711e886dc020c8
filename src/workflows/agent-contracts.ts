/**
 * Plain-JSON shapes of an agent run (docs/design.md §8): the conversation, the tool calls and their
 * outcomes, token usage, and the requests and results of the model-call activity. The whole loop's
 * progress is an `AgentLoopState` owned by the task run, so any run of the workflow (a replay, a
 * continue-as-new) can resume the loop from it.
 */
import type { TaskError } from './contracts';

/** A tool call as the model asked for it (OpenAI's Chat Completions shape). */
export interface AgentMessageToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

/** One message of the conversation. */
export type AgentMessage =
  | { role: 'system'; content: string }
  | { role: 'user'; content: string }
  | { role: 'assistant'; content: string | null; tool_calls?: AgentMessageToolCall[] }
  | { role: 'tool'; tool_call_id: string; content: string };

/** Tokens used, summed over model calls. */
export interface AgentUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

/** Where a tool call stands. */
export type AgentToolCallStatus = 'pending' | 'awaiting_approval' | 'running' | 'succeeded' | 'failed' | 'rejected';

/** One tool call of the model and what became of it. */
export interface AgentToolCall {
  /** The model's call id. */
  id: string;
  name: string;
  /** Parsed arguments (an approver's edited ones once approved with `data.arguments`); null when unparsable. */
  arguments: unknown;
  /** The arguments as the model wrote them. */
  raw_arguments: string;
  /** The model call (1-based) that asked for it. */
  turn: number;
  /** Unique within the run: names the activity (`<task>/tool/<name>#<key>`). */
  key: string;
  /** Stable for this call across retries, crashes and replays: given to the tool as `ctx.idempotency_key`. */
  idempotency_key: string;
  status: AgentToolCallStatus;
  /** The human decision, when the tool is in `approve_tools`. */
  approval: { decision: 'approve' | 'reject'; approver: string; comment: string | null; edited_arguments: boolean } | null;
  /** The tool's output (succeeded), or what the model was told instead. */
  result: unknown;
  error: TaskError | null;
  /** Its result is in the conversation (the model will read it). */
  answered: boolean;
}

/** The progress of one agent run: plain data, the only state of the loop. */
export interface AgentLoopState {
  agent_id: string;
  model: string;
  base_url: string;
  messages: AgentMessage[];
  /** Model calls answered in this run. */
  turns: number;
  usage: AgentUsage;
  tool_calls: AgentToolCall[];
  /** Repair rounds used on an answer that missed the output schema (at most one). */
  repairs: number;
  /** The last final answer as the model wrote it. */
  raw_output: string | null;
  /** AgentExecutionStarted was journaled for this run. */
  started: boolean;
  /** The run whose conversation this one continues (a `retry` without a new prompt). */
  continued_from: string | null;
}

/** The model as the activity calls it (templates already rendered). */
export interface AgentModelSpec {
  base_url: string;
  name: string;
  api_key_env?: string;
  temperature?: number;
}

/** Request of the model-call activity: one Chat Completions call. */
export interface ModelCallRequest {
  agent_id: string;
  model: AgentModelSpec;
  messages: AgentMessage[];
  /** Tool ids the model may call; the worker turns their zod input into JSON Schema. */
  tools: string[];
  output_schema?: Record<string, unknown>;
  execution_id: string;
  workflow_id: string;
  task_id: string;
  task_exec_id: string;
  turn: number;
}

/** Result of the model-call activity. */
export interface ModelCallResult {
  message: Extract<AgentMessage, { role: 'assistant' }>;
  usage: AgentUsage;
  finish_reason: string | null;
  /** The model that answered, as the endpoint names it. */
  model: string;
  started_at: string;
}
