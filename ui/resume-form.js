/**
 * The resume form (docs/design.md §5): for every failed task holding a gate, retry it (optionally with
 * an edited input, as JSON) or skip it with an output; a context patch and a reason; and the view of
 * the server's dry-run plan.
 */
import { html } from '/ui/vendor/preact-htm.js';
import { api, v1 } from './api.js';

/** Failed tasks that hold their branch (gates with reason task_failed): what a repair addresses. */
export function repairable(view) {
  return [...new Set(view.gates.filter((g) => g.reason === 'task_failed' && g.task_id).map((g) => g.task_id))];
}

/** The form; `draft` = `{tasks: {[id]: {action, input, output}}, context, reason}`. */
export function ResumeForm({ view, draft, setDraft }) {
  const failed = repairable(view);
  const setTask = (taskId, patch) => setDraft({ ...draft, tasks: { ...draft.tasks, [taskId]: { ...draft.tasks[taskId], ...patch } } });
  const loadInput = async (taskId) => {
    const context = await api('GET', v1`/executions/${view.execution_id}/tasks/${taskId}/context`);
    setTask(taskId, { input: JSON.stringify(context.input ?? {}, null, 2) });
  };
  return html`${failed.length === 0
      ? html`<p class="muted">No failed task waits for a repair: a resume continues (clears a manual pause or a breakpoint).</p>`
      : failed.map((taskId) => {
          const spec = draft.tasks[taskId] ?? {};
          const fid = `repair-${taskId}`;
          return html`<fieldset class="repair" key=${taskId}>
            <legend>Failed task <code>${taskId}</code></legend>
            <div class="field">
              <label for=${`${fid}-action`}>What to do with ${taskId}</label>
              <select id=${`${fid}-action`} value=${spec.action ?? ''} onChange=${(e) => setTask(taskId, { action: e.currentTarget.value })}>
                <option value="">leave it (not addressed)</option>
                <option value="retry">retry</option>
                <option value="skip">skip with an output</option>
              </select>
            </div>
            ${spec.action === 'retry' &&
            html`<div class="field">
              <label for=${`${fid}-input`}>Input for ${taskId} (JSON; empty: resolved again from the definition)</label>
              <textarea id=${`${fid}-input`} class="code" rows="5" spellcheck="false" value=${spec.input ?? ''} onInput=${(e) => setTask(taskId, { input: e.currentTarget.value })}></textarea>
              <div class="buttons"><button type="button" onClick=${() => void loadInput(taskId)}>Edit its last input</button></div>
            </div>`}
            ${spec.action === 'skip' &&
            html`<div class="field">
              <label for=${`${fid}-output`}>Output of ${taskId} (JSON; later tasks read it)</label>
              <textarea id=${`${fid}-output`} class="code" rows="4" spellcheck="false" value=${spec.output ?? ''} onInput=${(e) => setTask(taskId, { output: e.currentTarget.value })}></textarea>
            </div>`}
          </fieldset>`;
        })}
    ${failed.length > 0 &&
    html`<div class="field">
      <label for="resume-context">Context patch for what re-runs (JSON object, optional)</label>
      <textarea id="resume-context" class="code" rows="2" spellcheck="false" value=${draft.context} onInput=${(e) => setDraft({ ...draft, context: e.currentTarget.value })}></textarea>
    </div>`}
    <div class="field">
      <label for="resume-reason">Reason</label>
      <input id="resume-reason" type="text" maxlength="1000" value=${draft.reason} onInput=${(e) => setDraft({ ...draft, reason: e.currentTarget.value })} />
    </div>`;
}

/** The dry run's answer: what the resume clears, re-runs and skips, what stays open, and what is missing. */
export function ResumePlan({ plan }) {
  return html`${plan.ok
      ? html`<p class="plan-ok"><strong>The server would apply this resume:</strong></p>`
      : html`<div class="problem" role="alert">
          <p><strong>This resume would be refused</strong>${plan.error ? html` (<code>${plan.error.type}</code>): ${plan.error.message}` : '.'}</p>
        </div>`}
    ${plan.missing.length > 0 &&
    html`<p>Missing:</p>
      <ul class="missing">
        ${plan.missing.map((m) => html`<li><code>${m.task_id}</code>: ${m.need}</li>`)}
      </ul>`}
    <ul class="plan-list">
      <li>Gates cleared: ${plan.continues.length ? plan.continues.map((c) => html`${c.reason}${c.task_id ? html` at <code>${c.task_id}</code>` : ''} `) : 'none'}</li>
      <li>Re-run: ${plan.retries.length ? plan.retries.map((r) => html`<code>${r.task_id}</code> (input ${r.input}) `) : 'none'}</li>
      <li>Skipped: ${plan.skips.length ? plan.skips.map((s) => html`<code>${s.task_id}</code> with output <code>${JSON.stringify(s.output)}</code> `) : 'none'}</li>
      <li>Still open afterwards: ${plan.still_open.length ? plan.still_open.map((s) => html`${s.reason}${s.task_id ? html` at <code>${s.task_id}</code>` : ''} `) : 'none'}</li>
    </ul>`;
}
