/**
 * The model-call activity (docs/design.md §8): one Chat Completions call through the `openai` client,
 * which speaks to any OpenAI-compatible endpoint (OpenAI, Ollama, vLLM, LiteLLM). The key comes from
 * the worker's environment variable the agent names; the call heartbeats while it waits, and the
 * activity's cancellation aborts the HTTP request. Retries are Temporal's (the client retries nothing).
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import OpenAI from 'openai';
import type { ChatCompletionCreateParamsNonStreaming, ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import type { ModelCallRequest, ModelCallResult } from '../../workflows/agent-contracts';
import type { ToolRegistry } from '../tools/registry';
import { type ExecutionLogger, noExecutionLog } from './execution-log';
import { modelFailure } from './model-errors';
import { toolDefinitions } from './tool-definitions';

const HEARTBEAT_EVERY_MS = 1000;
/** What the client sends as its key when the agent names none (local servers ignore it). */
const NO_KEY = 'no-key';

/** Dependencies of the model call: the tools (for their schemas), the environment, the execution log. */
export interface ModelCallDeps {
  tools: ToolRegistry;
  env?: NodeJS.ProcessEnv;
  log?: ExecutionLogger;
}

export function createAgentModelCall(deps: ModelCallDeps) {
  const env = deps.env ?? process.env;
  const log = deps.log ?? noExecutionLog;
  return async function agentModelCall(request: ModelCallRequest): Promise<ModelCallResult> {
    const ctx = Context.current();
    const startedAt = new Date().toISOString();
    const ids = { execution_id: request.execution_id, workflow_id: request.workflow_id, task_id: request.task_id, task_exec_id: request.task_exec_id };
    const apiKey = keyOf(request, env);
    const tools = toolDefinitions(deps.tools, request.tools);
    const client = new OpenAI({ baseURL: request.model.base_url, apiKey, maxRetries: 0, ...(ctx.info.startToCloseTimeoutMs > 0 && { timeout: ctx.info.startToCloseTimeoutMs }) });
    const body: ChatCompletionCreateParamsNonStreaming = {
      model: request.model.name,
      // AgentMessage is a subset of the client's message shapes.
      messages: request.messages satisfies ChatCompletionMessageParam[],
      ...(tools.length > 0 && { tools }),
      ...(request.model.temperature !== undefined && { temperature: request.model.temperature }),
      ...(request.output_schema !== undefined && { response_format: { type: 'json_schema', json_schema: { name: 'output', schema: request.output_schema, strict: false } } }),
    };
    log({ component: 'runtime', level: 'info', message: `model call ${request.turn} of agent ${request.agent_id} (${request.model.name}, attempt ${ctx.info.attempt})`, ...ids, data: { base_url: request.model.base_url, messages: request.messages.length } });
    const beat = setInterval(() => ctx.heartbeat({ turn: request.turn }), HEARTBEAT_EVERY_MS);
    try {
      const completion = await client.chat.completions.create(body, { signal: ctx.cancellationSignal });
      const choice = completion.choices[0];
      if (choice === undefined) throw ApplicationFailure.create({ message: `${request.model.base_url} answered without a choice`, type: 'ModelAnswerEmpty', nonRetryable: false });
      const toolCalls = (choice.message.tool_calls ?? []).flatMap((c) => (c.type === 'function' ? [{ id: c.id, type: 'function' as const, function: { name: c.function.name, arguments: c.function.arguments } }] : []));
      const usage = { prompt_tokens: completion.usage?.prompt_tokens ?? 0, completion_tokens: completion.usage?.completion_tokens ?? 0, total_tokens: completion.usage?.total_tokens ?? 0 };
      log({ component: 'runtime', level: 'info', message: `model call ${request.turn} of agent ${request.agent_id} answered (${choice.finish_reason ?? 'no finish reason'})`, ...ids, data: { usage, tool_calls: toolCalls.length } });
      return {
        message: { role: 'assistant', content: choice.message.content ?? null, ...(toolCalls.length > 0 && { tool_calls: toolCalls }) },
        usage,
        finish_reason: choice.finish_reason ?? null,
        model: completion.model ?? request.model.name,
        started_at: startedAt,
      };
    } catch (err) {
      const failure = modelFailure(err, request.model.base_url, ctx.cancellationSignal.aborted);
      log({ component: 'runtime', level: 'warn', message: `model call ${request.turn} of agent ${request.agent_id} failed: ${failure.message}`, ...ids });
      throw failure;
    } finally {
      clearInterval(beat);
    }
  };
}

/** The key from the variable the agent names; a name with no value fails the task with the reason. */
function keyOf(request: ModelCallRequest, env: NodeJS.ProcessEnv): string {
  const name = request.model.api_key_env;
  if (name === undefined) return NO_KEY;
  const value = env[name];
  if (value === undefined || value === '') {
    throw ApplicationFailure.create({
      message: `agent "${request.agent_id}": the environment variable ${name} (model.api_key_env) is not set on the worker`,
      type: 'AgentKeyMissing',
      nonRetryable: true,
    });
  }
  return value;
}
