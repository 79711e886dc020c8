/**
 * What an operator can do to an open execution, each in two steps: review the plan, then apply.
 * A resume's plan is the server's own (`POST …/resume?dry_run=true`: what re-runs, what is skipped,
 * what is missing); a pause's and a cancel's are read off the execution's state (which tasks are
 * running, which gates are open). Every refusal shows the problem's `detail` and `missing`.
 */
import { html, useRef, useState } from '/ui/vendor/preact-htm.js';
import { api, v1 } from './api.js';
import { Problem } from './components.js';
import { ResumeForm, ResumePlan } from './resume-form.js';

const CLOSED = new Set(['completed', 'failed', 'cancelled', 'timed_out']);

/** The actions panel of an execution page. */
export function Actions({ view, me, onApplied }) {
  if (CLOSED.has(view.status)) {
    return html`<section aria-labelledby="actions-heading" class="panel"><h2 id="actions-heading">Actions</h2><p class="muted">The execution is ${view.status}: nothing can change it any more.</p></section>`;
  }
  return html`<section aria-labelledby="actions-heading" class="panel actions">
    <h2 id="actions-heading">Actions</h2>
    <${ResumeAction} view=${view} me=${me} onApplied=${onApplied} />
    <${PauseAction} view=${view} me=${me} onApplied=${onApplied} />
    <${CancelAction} view=${view} me=${me} onApplied=${onApplied} />
  </section>`;
}

const busyTasks = (view) => view.tasks.filter((t) => t.status === 'running' || t.status === 'scheduled').map((t) => t.task_id);
const list = (ids) => (ids.length ? ids.map((id) => html`<code>${id}</code> `) : 'none');

function allowed(me, permission) {
  return me.permissions.includes(permission);
}

/** One action's frame: the form, then the plan with Apply and Back, then the outcome. */
function TwoStep({ id, title, permission, me, form, plan, onReview, onApply, applyLabel }) {
  const [step, setStep] = useState('edit');
  const [error, setError] = useState(undefined);
  const [busy, setBusy] = useState(false);
  const may = allowed(me, permission);
  const heading = useRef(null);
  const run = async (what, next) => {
    setBusy(true);
    setError(undefined);
    try {
      await what();
      setStep(next);
      // Applied: the plan's buttons are gone; the keyboard goes on from the action's heading.
      if (next === 'edit') setTimeout(() => heading.current?.focus(), 0);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return html`<section class="action" aria-labelledby=${`${id}-heading`}>
    <h3 id=${`${id}-heading`} tabindex="-1" ref=${heading}>${title}</h3>
    ${!may && html`<p class="muted">Your key lacks the permission <code>${permission}</code>.</p>`}
    ${step === 'edit' &&
    html`<form aria-label=${title} onSubmit=${(e) => (e.preventDefault(), void run(onReview, 'review'))}>
      ${form}
      <${Problem} error=${error} context=${`${title}: not reviewed`} />
      <div class="buttons"><button type="submit" disabled=${!may || busy}>Review the plan</button></div>
    </form>`}
    ${step === 'review' &&
    html`<div class="plan" role="region" aria-label=${`Plan: ${title}`} tabindex="-1" ref=${(el) => el?.focus()}>
      ${plan}
      <${Problem} error=${error} context=${`${title} refused`} />
      <div class="buttons">
        <button type="button" class="primary" disabled=${busy} onClick=${() => void run(onApply, 'edit')}>${applyLabel}</button>
        <button type="button" disabled=${busy} onClick=${() => (setError(undefined), setStep('edit'))}>Back</button>
      </div>
    </div>`}
  </section>`;
}

function ResumeAction({ view, me, onApplied }) {
  const [request, setRequest] = useState(undefined);
  const [draft, setDraft] = useState({ tasks: {}, context: '', reason: '' });
  const [plan, setPlan] = useState(undefined);
  const onReview = async () => {
    const built = buildResume(draft);
    const answer = await api('POST', `${v1`/executions/${view.execution_id}/resume`}?dry_run=true`, built);
    setRequest(built);
    setPlan(answer.plan);
  };
  const onApply = async () => {
    const answer = await api('POST', v1`/executions/${view.execution_id}/resume`, request);
    const p = answer.plan;
    onApplied(`Resume applied: ${p.retries.length} re-run, ${p.skips.length} skipped, ${p.continues.length} gate(s) cleared.`);
  };
  return html`<${TwoStep}
    id="resume" title="Resume or repair" permission="execution:resume" me=${me} applyLabel="Apply the resume"
    form=${html`<${ResumeForm} view=${view} draft=${draft} setDraft=${setDraft} />`}
    plan=${plan && html`<${ResumePlan} plan=${plan} />`}
    onReview=${onReview} onApply=${onApply} />`;
}

/** The resume body from the form; throws a made-up problem when a JSON field does not parse. */
function buildResume(draft) {
  const tasks = {};
  let firstAction;
  for (const [taskId, spec] of Object.entries(draft.tasks)) {
    if (!spec.action) continue;
    firstAction ??= spec.action;
    const entry = { action: spec.action };
    const text = (spec.action === 'retry' ? spec.input : spec.output)?.trim() ?? '';
    if (text !== '') entry[spec.action === 'retry' ? 'input' : 'output'] = parseJson(text, `${spec.action === 'retry' ? 'Input' : 'Output'} of ${taskId}`);
    tasks[taskId] = entry;
  }
  const body = { mode: firstAction ?? 'continue' };
  if (Object.keys(tasks).length > 0) body.tasks = tasks;
  if (draft.context.trim()) body.context = parseJson(draft.context, 'Context patch');
  if (draft.reason.trim()) body.reason = draft.reason.trim();
  return body;
}

function parseJson(text, what) {
  try {
    return JSON.parse(text);
  } catch {
    throw { problem: { title: 'Not sent', detail: `${what} is not valid JSON` } };
  }
}

function PauseAction({ view, me, onApplied }) {
  const [mode, setMode] = useState('graceful');
  const [reason, setReason] = useState('');
  const running = busyTasks(view);
  const onApply = async () => {
    const status = await api('POST', v1`/executions/${view.execution_id}/pause`, { mode, ...(reason.trim() ? { reason: reason.trim() } : {}) });
    onApplied(`Pause requested (${mode}): the execution is ${status.status}.`);
  };
  const form = html`<fieldset>
      <legend>Pause mode</legend>
      <div class="field field-check"><input type="radio" id="pause-graceful" name="pause-mode" value="graceful" checked=${mode === 'graceful'} onChange=${() => setMode('graceful')} /><label for="pause-graceful">Graceful: running tasks finish</label></div>
      <div class="field field-check"><input type="radio" id="pause-immediate" name="pause-mode" value="immediate" checked=${mode === 'immediate'} onChange=${() => setMode('immediate')} /><label for="pause-immediate">Immediate: running tasks are cancelled</label></div>
    </fieldset>
    <div class="field"><label for="pause-reason">Reason</label><input id="pause-reason" type="text" maxlength="1000" value=${reason} onInput=${(e) => setReason(e.currentTarget.value)} /></div>`;
  const plan = html`<p>Pause <strong>${mode}</strong>${reason.trim() ? html` (“${reason.trim()}”)` : ''}:</p>
    <ul>
      <li>No new task starts until someone resumes (mode continue).</li>
      ${mode === 'graceful'
        ? html`<li>Running tasks finish first (status <code>pausing</code>, then <code>paused</code>): ${list(running)}</li>`
        : html`<li>Running tasks are cancelled now and run again on resume: ${list(running)}</li>`}
      <li>Open gates stay open: ${view.gates.length}.</li>
    </ul>`;
  return html`<${TwoStep} id="pause" title="Pause" permission="execution:pause" me=${me} form=${form} plan=${plan} onReview=${async () => {}} onApply=${onApply} applyLabel="Apply the pause" />`;
}

function CancelAction({ view, me, onApplied }) {
  const running = busyTasks(view);
  const onApply = async () => {
    await api('POST', v1`/executions/${view.execution_id}/cancel`);
    onApplied('Cancel requested: the execution ends once its running tasks stopped.');
  };
  const plan = html`<p>Cancel the execution. This cannot be undone:</p>
    <ul>
      <li>Running tasks are cancelled: ${list(running)}</li>
      <li>Open gates are released (approvals leave the inbox): ${view.gates.length}.</li>
      <li>The execution ends as <code>cancelled</code>; its journal stays readable.</li>
    </ul>`;
  return html`<${TwoStep} id="cancel" title="Cancel" permission="execution:cancel" me=${me} form=${html`<p class="muted">Ends the execution, paused or not.</p>`} plan=${plan} onReview=${async () => {}} onApply=${onApply} applyLabel="Cancel the execution" />`;
}
