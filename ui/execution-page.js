/**
 * One execution: its state (refreshed whenever the live journal moves), the timeline of journal
 * events from `GET /api/v1/executions/{id}/stream`, its tasks, its open gates, the context of a
 * chosen task, and the actions (pause, resume, repair, cancel) that show their plan first.
 */
import { html, useEffect, useRef, useState } from '/ui/vendor/preact-htm.js';
import { api, readStream, v1 } from './api.js';
import { Actions } from './actions.js';
import { asText, Json, PageHeading, Problem, Status, Time } from './components.js';
import { TaskContext } from './task-context.js';

/** Most timeline entries kept on the page (the journal itself keeps all). */
const TIMELINE_LIMIT = 500;

/** The execution page; `me` is the caller (for what it may do), `announce` the app's live region. */
export function ExecutionPage({ id, me, announce }) {
  const [view, setView] = useState(undefined);
  const [error, setError] = useState(undefined);
  const [events, setEvents] = useState([]);
  const [streamState, setStreamState] = useState('connecting');
  const [streamProblem, setStreamProblem] = useState(undefined);
  const [selected, setSelected] = useState(undefined);
  const refreshTimer = useRef(undefined);

  const refresh = async () => {
    try {
      setView(await api('GET', v1`/executions/${id}`));
      setError(undefined);
    } catch (e) {
      setError(e);
    }
  };
  const refreshSoon = () => {
    clearTimeout(refreshTimer.current);
    refreshTimer.current = setTimeout(() => void refresh(), 150);
  };

  useEffect(() => {
    setView(undefined);
    setEvents([]);
    setSelected(undefined);
    void refresh();
    const controller = new AbortController();
    void readStream(v1`/executions/${id}/stream`, {
      signal: controller.signal,
      onState: setStreamState,
      onProblem: setStreamProblem,
      onEvent: (event) => {
        if (event.event === 'end' || event.event === 'error' || !event.id) {
          if (event.event === 'end') refreshSoon();
          return;
        }
        const journalEvent = JSON.parse(event.data);
        setEvents((current) => [...current, journalEvent].slice(-TIMELINE_LIMIT));
        refreshSoon();
      },
    });
    return () => {
      controller.abort();
      clearTimeout(refreshTimer.current);
    };
  }, [id]);

  const onApplied = (text) => {
    announce(text);
    void refresh();
  };

  return html`<section aria-labelledby="execution-heading" class="execution">
    <div class="page-head">
      <${PageHeading}><span id="execution-heading">Execution <span class="mono">${id}</span></span><//>
      <p><a href="#/executions">All executions</a></p>
    </div>
    <${Problem} error=${error} context="The execution cannot be read" />
    ${view && html`<${Summary} view=${view} />`}
    <div class="columns">
      <div class="column-main">
        ${view && html`<${Gates} gates=${view.gates} />`}
        ${view && html`<${Tasks} tasks=${view.tasks} selected=${selected} onSelect=${setSelected} />`}
        ${selected && html`<${TaskContext} executionId=${id} taskId=${selected} version=${view?.last_seq} onClose=${() => setSelected(undefined)} />`}
        ${view && html`<${Actions} view=${view} me=${me} onApplied=${onApplied} />`}
      </div>
      <div class="column-side">
        <${Timeline} events=${events} state=${streamState} problem=${streamProblem} />
      </div>
    </div>
  </section>`;
}

function Summary({ view }) {
  const pause = view.pause;
  return html`<dl class="facts summary" aria-label="Execution summary">
    <dt>Status</dt><dd><${Status} value=${view.status} /></dd>
    <dt>Workflow</dt><dd>${view.workflow_id} v${view.workflow_version}</dd>
    <dt>Started</dt><dd><${Time} iso=${view.started_at} /></dd>
    <dt>Finished</dt><dd><${Time} iso=${view.finished_at} /></dd>
    ${pause &&
    html`<dt>Paused</dt>
      <dd>${pause.reason}${pause.task_id ? html` at <code>${pause.task_id}</code>` : ''}${pause.next_task_id ? html`, next <code>${pause.next_task_id}</code>` : ''} (<${Time} iso=${pause.paused_at} />)</dd>`}
    ${view.error && html`<dt>Error</dt><dd class="error-text">${view.error.task_id ? html`<code>${view.error.task_id}</code>: ` : ''}${view.error.message}</dd>`}
    ${view.outputs && html`<dt>Outputs</dt><dd><${Json} value=${view.outputs} label="Execution outputs" /></dd>`}
  </dl>`;
}

function Gates({ gates }) {
  return html`<section aria-labelledby="gates-heading" class="panel">
    <h2 id="gates-heading">Open gates (${gates.length})</h2>
    ${gates.length === 0
      ? html`<p class="muted">No gate is open.</p>`
      : html`<ul class="gates">
          ${gates.map(
            (g) => html`<li key=${`${g.reason}-${g.task_id}-${g.task_exec_id}`}>
              <strong>${g.reason}</strong>${g.task_id ? html` at <code>${g.task_id}</code>` : ''}${g.branch ? ` (branch ${g.branch})` : ''}, opened <${Time} iso=${g.opened_at} />
              ${g.next_task_id ? html`; then <code>${g.next_task_id}</code>` : ''}
              ${g.data.message !== undefined && g.data.message !== null && html`<p class="message">${asText(g.data.message)}</p>`}
              ${g.data.tool_call && html`<p>Tool call <code>${asText(g.data.tool_call.name)}</code></p>`}
            </li>`,
          )}
        </ul>`}
  </section>`;
}

function Tasks({ tasks, selected, onSelect }) {
  return html`<section aria-labelledby="tasks-heading" class="panel">
    <h2 id="tasks-heading">Tasks</h2>
    <div class="table-wrap">
      <table class="responsive">
        <caption class="visually-hidden">Tasks of this execution</caption>
        <thead><tr><th scope="col">Task</th><th scope="col">Type</th><th scope="col">Status</th><th scope="col">Attempts</th><th scope="col">Branch</th><th scope="col">Error</th><th scope="col"><span class="visually-hidden">Context</span></th></tr></thead>
        <tbody>
          ${tasks.map(
            (t) => html`<tr key=${t.task_exec_id} class=${selected === t.task_id ? 'selected' : ''}>
              <td data-label="Task"><code>${t.task_id}</code></td>
              <td data-label="Type">${t.type}</td>
              <td data-label="Status"><${Status} value=${t.status} /></td>
              <td data-label="Attempts">${t.attempts}</td>
              <td data-label="Branch">${t.branch ?? '—'}</td>
              <td data-label="Error" class="error-text">${t.error ? t.error.message : ''}</td>
              <td data-label="Context"><button type="button" aria-pressed=${selected === t.task_id} onClick=${() => onSelect(t.task_id)}>Context of ${t.task_id}</button></td>
            </tr>`,
          )}
        </tbody>
      </table>
    </div>
  </section>`;
}

function Timeline({ events, state, problem }) {
  const shown = [...events].reverse();
  return html`<section aria-labelledby="timeline-heading" class="panel timeline">
    <h2 id="timeline-heading">Timeline</h2>
    <p class="connection" data-state=${state}>${{ connecting: 'Connecting…', live: 'Live', reconnecting: 'Reconnecting…', ended: 'The execution closed; the journal is complete' }[state] ?? state}</p>
    <${Problem} error=${problem} context="The journal stream cannot be read" />
    <ol class="events" role="log" aria-live="polite" aria-relevant="additions" aria-label="Journal events, newest first">
      ${shown.map(
        (e) => html`<li key=${e.id}>
          <span class="seq">#${e.seq}</span> <strong>${e.type}</strong>${e.task_id ? html` <code>${e.task_id}</code>` : ''}${e.attempt ? ` attempt ${e.attempt}` : ''}${e.actor ? ` by ${e.actor}` : ''}
          <br /><${Time} iso=${e.time} />
        </li>`,
      )}
    </ol>
  </section>`;
}
