/**
 * The task-context viewer (`GET /api/v1/executions/{id}/tasks/{taskId}/context`): what the task saw
 * (inbound context), its resolved input, output, error, resume data, every run, and an agent's
 * conversation when the task ran one. Fields the console does not know yet are shown as JSON too.
 */
import { html, useEffect, useRef, useState } from '/ui/vendor/preact-htm.js';
import { api, v1 } from './api.js';
import { asText, Json, Problem, Status, Time } from './components.js';

const KNOWN = new Set(['task_id', 'task_exec_id', 'type', 'status', 'branch', 'attempts', 'scheduled_at', 'started_at', 'finished_at', 'output', 'error', 'inbound_context', 'input', 'resume_data', 'runs']);
/** Where an agent task keeps its conversation (docs/design.md §8: the task context holds the conversation, tool calls and usage). */
const CONVERSATION_KEYS = ['conversation', 'messages', 'agent'];

/** The viewer; reloads when `version` (the execution's last seq) changes. */
export function TaskContext({ executionId, taskId, version, onClose }) {
  const [context, setContext] = useState(undefined);
  const [error, setError] = useState(undefined);
  const heading = useRef(null);
  useEffect(() => {
    heading.current?.focus();
  }, [taskId]);
  useEffect(() => {
    let live = true;
    api('GET', v1`/executions/${executionId}/tasks/${taskId}/context`).then(
      (c) => live && (setContext(c), setError(undefined)),
      (e) => live && setError(e),
    );
    return () => {
      live = false;
    };
  }, [executionId, taskId, version]);

  const extra = context ? Object.entries(context).filter(([k]) => !KNOWN.has(k)) : [];
  const conversation = extra.find(([k]) => CONVERSATION_KEYS.includes(k));
  return html`<section aria-labelledby="context-heading" class="panel task-context">
    <div class="panel-head">
      <h2 id="context-heading" tabindex="-1" ref=${heading}>Context of <code>${taskId}</code></h2>
      <button type="button" onClick=${onClose}>Close context</button>
    </div>
    <${Problem} error=${error} context="The task context cannot be read" />
    ${context &&
    html`<dl class="facts">
        <dt>Status</dt><dd><${Status} value=${context.status} /> after ${context.attempts} attempt${context.attempts === 1 ? '' : 's'}</dd>
        <dt>Run</dt><dd class="mono">${context.task_exec_id}</dd>
        <dt>Scheduled</dt><dd><${Time} iso=${context.scheduled_at} /></dd>
        <dt>Finished</dt><dd><${Time} iso=${context.finished_at} /></dd>
      </dl>
      ${context.error &&
      html`<h3>Error</h3>
        <p class="error-text">${context.error.type ? html`<code>${context.error.type}</code>: ` : ''}${context.error.message}${context.error.non_retryable ? ' (not retryable)' : ''}</p>
        ${context.error.details !== undefined && html`<${Json} value=${context.error.details} label="Error details" />`}`}
      <h3>Inbound context</h3>
      <${Json} value=${context.inbound_context} label=${`Inbound context of ${taskId}`} />
      <h3>Input</h3>
      <${Json} value=${context.input} label=${`Input of ${taskId}`} />
      <h3>Output</h3>
      <${Json} value=${context.output} label=${`Output of ${taskId}`} />
      ${context.resume_data !== undefined && context.resume_data !== null && html`<h3>Resume data</h3><${Json} value=${context.resume_data} label="Resume data" />`}
      ${conversation && html`<${Conversation} value=${conversation[1]} />`}
      ${extra.filter((entry) => entry !== conversation).map(([k, v]) => html`<h3>${k}</h3><${Json} value=${v} label=${k} />`)}
      ${context.runs.length > 1 &&
      html`<h3>Runs</h3>
        <ol class="runs">
          ${context.runs.map((r) => html`<li key=${r.task_exec_id}><${Status} value=${r.status} /> ${r.attempts} attempt(s), <${Time} iso=${r.scheduled_at} />${r.error ? html` — <span class="error-text">${r.error.message}</span>` : ''}</li>`)}
        </ol>`}`}
  </section>`;
}

/** An agent's conversation: each message with its role, text and tool calls; any other shape as JSON. */
function Conversation({ value }) {
  const messages = Array.isArray(value) ? value : Array.isArray(value?.messages) ? value.messages : undefined;
  return html`<h3>Agent conversation</h3>
    ${messages
      ? html`<ol class="conversation">
          ${messages.map(
            (m, i) => html`<li key=${i} class=${`role-${asText(m?.role)}`}>
              <strong>${asText(m?.role)}</strong>
              ${m?.content !== undefined && m?.content !== null && html`<p>${asText(m.content)}</p>`}
              ${Array.isArray(m?.tool_calls) && m.tool_calls.length > 0 && html`<${Json} value=${m.tool_calls} label="Tool calls" />`}
            </li>`,
          )}
        </ol>`
      : html`<${Json} value=${value} label="Agent conversation" />`}`;
}
