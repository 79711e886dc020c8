/**
 * How an agent run begins (docs/design.md §8): its input is `{prompt}`, rendered when the task is
 * scheduled (or supplied by a `retry` repair); a `retry` without a new prompt continues the failed
 * run's conversation from its last good step; otherwise the conversation starts with the rendered
 * instructions and the prompt.
 */
import type { Agent, BasicTask } from '../definitions/schema';
import { renderTemplate } from '../definitions/templates';
import type { AgentLoopState, AgentMessage } from './agent-contracts';
import type { InputOverride } from './basic-task';
import type { TaskRun } from './task-run';

/** Resolves an agent task's input `{prompt}`; a failed earlier run is continued when no new prompt is given. */
export function resolveAgentInput(run: TaskRun, task: BasicTask, override: InputOverride | undefined, previous: TaskRun | undefined): void {
  if (override !== undefined) {
    const prompt = promptOf(override.value);
    if (prompt === undefined) run.inputError = 'the input of an agent task is {"prompt": "<text>"} (or the prompt as a string)';
    else run.input = { prompt };
    return;
  }
  try {
    run.input = { prompt: asText(renderTemplate(task.prompt ?? '', run.inboundContext, 'prompt')) };
  } catch (err) {
    run.inputError = err instanceof Error ? err.message : String(err);
    return;
  }
  if (previous?.agent != null && previous.agent.agent_id === task.agent) run.agent = continuation(previous.agent, previous.taskExecId);
}

function promptOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null && typeof (value as { prompt?: unknown }).prompt === 'string') return (value as { prompt: string }).prompt;
  return undefined;
}

/**
 * The conversation of a failed run up to its last good step: every answered tool call is kept, the
 * final answers (and repair requests) after the last tool result are dropped, and a tool call left
 * without a result is asked again. Turns and repairs start over; usage keeps counting.
 */
export function continuation(previous: AgentLoopState, previousExecId: string): AgentLoopState {
  const messages = [...previous.messages];
  const lastToolResult = messages.map((m) => m.role).lastIndexOf('tool');
  const firstUser = messages.findIndex((m) => m.role === 'user');
  const keep = lastToolResult >= 0 ? lastToolResult + 1 : firstUser + 1;
  const kept: AgentMessage[] = messages.slice(0, keep);
  // An assistant turn whose tool calls were not all answered cannot be sent back: drop the tail from it.
  const answered = new Set(kept.flatMap((m) => (m.role === 'tool' ? [m.tool_call_id] : [])));
  const broken = kept.findIndex((m) => m.role === 'assistant' && (m.tool_calls ?? []).some((c) => !answered.has(c.id)));
  const finalMessages = broken >= 0 ? kept.slice(0, broken) : [...kept];
  // The model speaks next: the conversation ends with the prompt or with a tool result.
  while (finalMessages.length > firstUser + 1 && finalMessages[finalMessages.length - 1]?.role !== 'tool') finalMessages.pop();
  const ids = new Set(finalMessages.flatMap((m) => (m.role === 'assistant' ? (m.tool_calls ?? []).map((c) => c.id) : [])));
  return {
    ...previous,
    messages: finalMessages,
    turns: 0,
    repairs: 0,
    raw_output: null,
    started: false,
    continued_from: previousExecId,
    tool_calls: previous.tool_calls.filter((c) => c.answered && ids.has(c.id) && answered.has(c.id)),
  };
}

/** The state of a new run: rendered model and instructions, the prompt as the first user message. */
export function freshAgentState(agent: Agent, run: TaskRun, model: { baseUrl: string; name: string }): AgentLoopState {
  const prompt = (run.input as { prompt: string }).prompt;
  const messages: AgentMessage[] = [];
  if (agent.instructions !== undefined) {
    messages.push({ role: 'system', content: asText(renderTemplate(agent.instructions, run.inboundContext, 'instructions')) });
  }
  messages.push({ role: 'user', content: prompt });
  return {
    agent_id: agent.id,
    model: model.name,
    base_url: model.baseUrl,
    messages,
    turns: 0,
    usage: { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 },
    tool_calls: [],
    repairs: 0,
    raw_output: null,
    started: false,
    continued_from: null,
  };
}

/** The model's base URL and name with their templates rendered; an empty one is an error the task reports. */
export function renderModel(agent: Agent, run: TaskRun): { baseUrl: string; name: string } {
  return { baseUrl: renderField(agent, run, 'base_url'), name: renderField(agent, run, 'name') };
}

function renderField(agent: Agent, run: TaskRun, field: 'base_url' | 'name'): string {
  const source = agent.model[field];
  const value = renderTemplate(source, run.inboundContext, `model.${field}`);
  const text = value === null ? '' : asText(value).trim();
  if (text === '') throw new Error(`agent "${agent.id}": model.${field} "${source}" renders empty (is its env variable in CADENZA_TEMPLATE_ENV and set?)`);
  return text;
}

/** A rendered template as message text: a string as it is, any other value as JSON. */
function asText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}
