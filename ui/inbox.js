/**
 * The approvals inbox: the caller's pending approvals, live from `GET /api/v1/approvals/stream`,
 * each a card with what the approver decides on and a decision form built from `decision_schema`.
 */
import { html, useEffect, useMemo, useRef, useState } from '/ui/vendor/preact-htm.js';
import { api, readStream, v1 } from './api.js';
import { asText, Json, PageHeading, Problem, Time } from './components.js';
import { collectData, fieldsOf, SchemaFields } from './schema-form.js';

const keyOf = (item) => `${item.execution_id}/${item.task_id}/${item.task_exec_id ?? ''}`;

/** The inbox page; `announce(text)` speaks through the app's live region. */
export function InboxPage({ announce }) {
  const [inbox, setInbox] = useState(undefined);
  const [connection, setConnection] = useState('connecting');
  const [problem, setProblem] = useState(undefined);
  const decidedHere = useRef(new Set());
  const previous = useRef(undefined);

  useEffect(() => {
    const controller = new AbortController();
    void readStream(v1`/approvals/stream`, {
      signal: controller.signal,
      onState: setConnection,
      onProblem: setProblem,
      onEvent: (event) => {
        if (event.event !== 'inbox') return;
        const next = JSON.parse(event.data);
        setProblem(undefined);
        const before = previous.current;
        previous.current = next;
        setInbox(next);
        if (before === undefined) return;
        const had = new Set(before.items.map(keyOf));
        const has = new Set(next.items.map(keyOf));
        const arrived = next.items.filter((i) => !had.has(keyOf(i)));
        const gone = before.items.filter((i) => !has.has(keyOf(i)) && !decidedHere.current.has(keyOf(i)));
        const news = [
          ...arrived.map((i) => `New approval: ${i.task_id} of ${i.execution_id}.`),
          ...gone.map((i) => `Approval ${i.task_id} of ${i.execution_id} was decided elsewhere or closed.`),
        ];
        if (news.length > 0) announce(news.join(' '));
      },
    });
    return () => controller.abort();
  }, []);

  const onDecided = (item, decision) => {
    decidedHere.current.add(keyOf(item));
    setInbox((current) => current && { ...current, items: current.items.filter((i) => keyOf(i) !== keyOf(item)) });
    announce(`${decision === 'approve' ? 'Approved' : 'Rejected'}: ${item.task_id} of ${item.execution_id}.`);
    // The card and its buttons are gone: the keyboard goes on from the page's heading.
    document.querySelector('main h1')?.focus();
  };

  return html`<section aria-labelledby="inbox-heading">
    <div class="page-head">
      <${PageHeading}><span id="inbox-heading">Approvals inbox</span><//>
      <p class="connection" data-state=${connection}>${connectionText(connection)}</p>
    </div>
    <${Problem} error=${problem} context="The inbox cannot be read" />
    ${inbox === undefined && !problem && html`<p>Loading approvals…</p>`}
    ${inbox !== undefined &&
    html`${inbox.unavailable.length > 0 &&
      html`<div class="notice" role="note">
        <p>These executions wait for you but cannot answer right now (their worker may be down):</p>
        <ul>
          ${inbox.unavailable.map((u) => html`<li><a href=${`#/executions/${encodeURIComponent(u.execution_id)}`}>${u.execution_id}</a>: ${u.detail}</li>`)}
        </ul>
      </div>`}
      ${inbox.items.length === 0 ? html`<p class="empty">Nothing waits for your decision.</p>` : null}
      <ul class="cards" aria-label="Pending approvals">
        ${inbox.items.map((item) => html`<li key=${keyOf(item)}><${ApprovalCard} item=${item} onDecided=${onDecided} /></li>`)}
      </ul>`}
  </section>`;
}

function connectionText(state) {
  return { connecting: 'Connecting…', live: 'Live: updates as approvals arrive or are decided', reconnecting: 'Connection lost, reconnecting…', ended: 'Stream ended' }[state] ?? state;
}

/** One pending approval: what it is about, the context, and the decision form. */
export function ApprovalCard({ item, onDecided }) {
  const id = `a-${item.execution_id}-${item.task_id}`.replace(/[^A-Za-z0-9_-]/g, '_');
  const fields = useMemo(() => fieldsOf(item.decision_schema), [JSON.stringify(item.decision_schema)]);
  const [values, setValues] = useState({});
  const [comment, setComment] = useState('');
  const toolCall = item.tool_call && typeof item.tool_call === 'object' ? item.tool_call : null;
  const [argumentsText, setArgumentsText] = useState(toolCall ? JSON.stringify(toolCall.arguments ?? {}, null, 2) : '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(undefined);

  const decide = async (decision) => {
    setError(undefined);
    let { data, error: invalid } = collectData(fields, values);
    if (!invalid && toolCall && decision === 'approve') {
      try {
        const edited = JSON.parse(argumentsText);
        if (JSON.stringify(edited) !== JSON.stringify(toolCall.arguments ?? {})) data = { ...(data ?? {}), arguments: edited };
      } catch {
        invalid = 'The tool call arguments are not valid JSON';
      }
    }
    if (invalid) {
      setError({ problem: { title: 'Not sent', detail: invalid } });
      return;
    }
    setBusy(true);
    try {
      await api('POST', item.links.decide, { decision, ...(comment.trim() ? { comment: comment.trim() } : {}), ...(data === undefined ? {} : { data }) });
      onDecided(item, decision);
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };
  const onSubmit = (event) => {
    event.preventDefault();
    void decide(event.submitter?.value === 'reject' ? 'reject' : 'approve');
  };

  return html`<article class="card approval" aria-labelledby=${`${id}-title`}>
    <h2 id=${`${id}-title`} class="card-title">${toolCall ? `Tool call ${asText(toolCall.name)}` : item.task_id} <span class="muted">· ${item.workflow_id} v${item.workflow_version}</span></h2>
    <p class="message">${asText(item.message)}</p>
    <dl class="facts">
      <dt>Execution</dt><dd><a href=${`#/executions/${encodeURIComponent(item.execution_id)}`}>${item.execution_id}</a></dd>
      <dt>Task</dt><dd><code>${item.task_id}</code>${item.branch ? ` (branch ${item.branch})` : ''}</dd>
      <dt>Requested</dt><dd><${Time} iso=${item.requested_at} relative /></dd>
      <dt>Expires</dt><dd>${item.expires_at ? html`<${Time} iso=${item.expires_at} relative />` : 'never'}${item.on_timeout ? ` (then: ${item.on_timeout})` : ''}</dd>
      <dt>Approvers</dt><dd>${approversText(item.approvers)}</dd>
      <dt>On approve</dt><dd>${item.next_task_id ? html`<code>${item.next_task_id}</code> runs next` : 'the branch goes on'}</dd>
    </dl>
    ${toolCall &&
    html`<div class="tool-call">
      <p>The agent asks to call <code>${asText(toolCall.name)}</code> with:</p>
      <${Json} value=${toolCall.arguments ?? {}} label=${`Arguments of ${asText(toolCall.name)}`} />
    </div>`}
    <details class="context">
      <summary>Task context the decision is about</summary>
      ${item.context ? html`<${Json} value=${item.context} label=${`Inbound context of ${item.task_id}`} />` : html`<p>The context could not be read.</p>`}
    </details>
    <form class="decision" onSubmit=${onSubmit} aria-label=${`Decide ${item.task_id} of ${item.execution_id}`}>
      <${SchemaFields} fields=${fields} values=${values} idPrefix=${id} onInput=${(name, value) => setValues((v) => ({ ...v, [name]: value }))} />
      ${toolCall &&
      html`<div class="field">
        <label for=${`${id}-arguments`}>Arguments to run it with (JSON; edit to change them)</label>
        <textarea id=${`${id}-arguments`} rows="4" class="code" spellcheck="false" value=${argumentsText} onInput=${(e) => setArgumentsText(e.currentTarget.value)}></textarea>
      </div>`}
      <div class="field">
        <label for=${`${id}-comment`}>Comment</label>
        <textarea id=${`${id}-comment`} rows="2" maxlength="2000" value=${comment} onInput=${(e) => setComment(e.currentTarget.value)}></textarea>
      </div>
      <${Problem} error=${error} context="Decision refused" />
      <div class="buttons">
        <button type="submit" name="decision" value="approve" class="primary" disabled=${busy}>Approve</button>
        <button type="submit" name="decision" value="reject" class="danger" disabled=${busy}>Reject</button>
      </div>
    </form>
  </article>`;
}

function approversText(approvers) {
  if (!approvers) return 'anyone who may decide approvals';
  const parts = [...(approvers.users ?? []).map((u) => `user ${u}`), ...(approvers.roles ?? []).map((r) => `role ${r}`)];
  return parts.length > 0 ? parts.join(', ') : 'anyone who may decide approvals';
}
