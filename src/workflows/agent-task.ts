/**
 * A `basic` task with `agent:` (docs/design.md §8): seed 002's Runtime. The loop alternates model
 * calls and tool calls, each its own activity (`agent-steps.ts`); every bit of its progress is the
 * run's `AgentLoopState` (plain data), so the loop resumes from it after a crash, a replay or a new
 * run of the workflow. The task's output is the structured answer (`{text}` without a schema); the
 * task context shows the conversation, the tool calls and the usage.
 */
import { isCancellation } from '@temporalio/workflow';
import type { Agent, BasicTask, WorkflowConfig } from '../definitions/schema';
import type { AgentLoopState, ModelCallResult } from './agent-contracts';
import { checkAnswer, repairMessage } from './agent-output';
import { freshAgentState, renderModel } from './agent-setup';
import { AgentSteps } from './agent-steps';
import { answerToolCalls, recordToolCalls } from './agent-tool-calls';
import type { TaskError } from './contracts';
import { EventType } from './events';
import { TaskStatus } from './states';
import type { TaskHost } from './task-host';
import { toTaskError } from './task-error';
import type { TaskRun } from './task-run';

const DEFAULT_MAX_TURNS = 8;

/** Why an agent run fails, as a task error. */
class AgentRunFailure extends Error {
  constructor(readonly error: TaskError) {
    super(error.message);
    this.name = 'AgentRunFailure';
  }
}

/** Runs the agent of `task` to its final answer, or fails the run with the reason. */
export async function runAgentTask(host: TaskHost, run: TaskRun, task: BasicTask, config: WorkflowConfig | undefined): Promise<void> {
  const agent = host.agents.get(task.agent ?? '');
  if (run.inputError !== null || agent === undefined) {
    run.attempts = 1;
    host.tasks.fail(run, { message: run.inputError ?? `unknown agent "${task.agent ?? ''}"`, type: 'TemplateError', non_retryable: true });
    return;
  }
  let state: AgentLoopState;
  try {
    const model = renderModel(agent, run);
    state = run.agent ?? freshAgentState(agent, run, model);
    state.base_url = model.baseUrl;
    state.model = model.name;
  } catch (err) {
    run.attempts = 1;
    host.tasks.fail(run, { message: err instanceof Error ? err.message : String(err), type: 'AgentConfigInvalid', non_retryable: true });
    return;
  }
  run.agent = state;
  run.attempts = 1;
  run.status = TaskStatus.Running;
  host.tasks.record(run);
  host.journal.append({ type: EventType.TaskDispatched, task_id: run.taskId, task_exec_id: run.taskExecId, attempt: 1, data: { agent: agent.id, model: state.model } });
  if (run.startedAt === null) {
    run.startedAt = new Date().toISOString();
    host.journal.append({ type: EventType.TaskExecutionStarted, task_id: run.taskId, task_exec_id: run.taskExecId, attempt: 1, data: {} });
  }
  host.refreshStatus();
  try {
    const output = await new AgentLoop(host, run, agent, state, new AgentSteps(host, run, task, config)).drive();
    journalAgent(host, run, state, EventType.AgentExecutionSuccess, { output });
    host.tasks.succeed(run, output);
  } catch (err) {
    if (isCancellation(err)) {
      journalAgent(host, run, state, EventType.AgentExecutionFailed, { error: { message: 'cancelled', type: 'CancelledFailure', non_retryable: true } });
      throw err;
    }
    const error = err instanceof AgentRunFailure ? err.error : toTaskError(err).error;
    journalAgent(host, run, state, EventType.AgentExecutionFailed, { error });
    host.tasks.fail(run, error);
  }
}

/** The loop over one run's state. */
class AgentLoop {
  constructor(
    private readonly host: TaskHost,
    private readonly run: TaskRun,
    private readonly agent: Agent,
    private readonly state: AgentLoopState,
    private readonly steps: AgentSteps,
  ) {}

  async drive(): Promise<unknown> {
    const { state, agent } = this;
    if (!state.started) {
      state.started = true;
      journalAgent(this.host, this.run, state, EventType.AgentExecutionStarted, {
        base_url: state.base_url,
        tools: agent.tools ?? [],
        approve_tools: agent.approve_tools ?? [],
        ...(state.continued_from !== null && { continued_from: state.continued_from }),
      });
    }
    for (;;) {
      if (!(await answerToolCalls(this.host, this.run, agent, state, this.steps))) continue;
      const last = state.messages[state.messages.length - 1];
      if (last?.role === 'assistant' && (last.tool_calls ?? []).length === 0) {
        const output = this.finalAnswer(last.content ?? '');
        if (output.done) return output.value;
      }
      this.checkLimits();
      const answer = await this.callModel();
      if (answer === undefined) continue;
      this.take(answer);
    }
  }

  /** The output, or a repair request appended to the conversation (at most once), or a failure. */
  private finalAnswer(raw: string): { done: true; value: unknown } | { done: false } {
    const { state, agent } = this;
    state.raw_output = raw;
    const check = checkAnswer(raw, agent.output_schema);
    if (check.ok) return { done: true, value: check.output };
    if (state.repairs >= 1 || agent.output_schema === undefined) {
      throw new AgentRunFailure({
        message: `agent "${agent.id}" answered twice without matching its output_schema: ${check.problems.join('; ')}`,
        type: 'AgentOutputInvalid',
        non_retryable: true,
        details: { raw_output: raw, problems: check.problems },
      });
    }
    state.repairs++;
    state.messages.push({ role: 'user', content: repairMessage(check.problems, agent.output_schema) });
    return { done: false };
  }

  private checkLimits(): void {
    const { state, agent } = this;
    const maxTurns = agent.max_turns ?? DEFAULT_MAX_TURNS;
    if (state.turns >= maxTurns) {
      throw new AgentRunFailure({ message: `agent "${agent.id}" reached max_turns (${maxTurns}) without a final answer`, type: 'AgentTurnLimit', non_retryable: true });
    }
    if (agent.max_tokens !== undefined && state.usage.total_tokens >= agent.max_tokens) {
      throw new AgentRunFailure({ message: `agent "${agent.id}" used ${state.usage.total_tokens} tokens (max_tokens ${agent.max_tokens})`, type: 'AgentTokenLimit', non_retryable: true });
    }
  }

  /** One model call; undefined when an immediate pause interrupted it (it is made again). */
  private async callModel(): Promise<ModelCallResult | undefined> {
    const { state, agent, run, host } = this;
    const turn = state.turns + 1;
    const activityId = `${this.steps.prefix}/model#${turn}`;
    const { agentModelCall } = this.steps.activities(activityId, `${state.model} · ${run.taskId} (agent ${agent.id}, turn ${turn})`);
    const outcome = await this.steps.dispatch(activityId, () =>
      agentModelCall({
        agent_id: agent.id,
        model: { base_url: state.base_url, name: state.model, ...(agent.model.api_key_env !== undefined && { api_key_env: agent.model.api_key_env }), ...(agent.model.temperature !== undefined && { temperature: agent.model.temperature }) },
        messages: state.messages,
        tools: agent.tools ?? [],
        ...(agent.output_schema !== undefined && { output_schema: agent.output_schema }),
        execution_id: host.identity.executionId,
        workflow_id: host.identity.workflowId,
        task_id: run.taskId,
        task_exec_id: run.taskExecId,
        turn,
      }),
    );
    return outcome.kind === 'done' ? outcome.value : undefined;
  }

  /** Keeps a model answer: the message, the usage, its tool calls as pending. */
  private take(answer: ModelCallResult): void {
    const { state } = this;
    state.turns++;
    state.usage = {
      prompt_tokens: state.usage.prompt_tokens + answer.usage.prompt_tokens,
      completion_tokens: state.usage.completion_tokens + answer.usage.completion_tokens,
      total_tokens: state.usage.total_tokens + answer.usage.total_tokens,
    };
    state.messages.push(answer.message);
    const calls = answer.message.tool_calls ?? [];
    if (calls.length > 0) recordToolCalls(state, this.agent, calls, `${this.host.identity.executionId}:${this.run.taskExecId}`);
  }
}

function journalAgent(host: TaskHost, run: TaskRun, state: AgentLoopState, type: EventType, extra: Record<string, unknown>): void {
  host.journal.append({
    type,
    task_id: run.taskId,
    task_exec_id: run.taskExecId,
    attempt: run.attempts,
    data: { agent: state.agent_id, model: state.model, turns: state.turns, usage: state.usage, ...extra },
  });
}
