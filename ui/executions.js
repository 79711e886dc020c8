/**
 * The executions list: filters (status, workflow, awaiting me) kept in the URL's hash, a table of
 * executions from `GET /api/v1/executions`, and "Load more" with the page token.
 */
import { html, useEffect, useState } from '/ui/vendor/preact-htm.js';
import { api, v1 } from './api.js';
import { PageHeading, Problem, Status, Time } from './components.js';

/** Execution statuses the API knows (docs/design.md §3). */
export const EXECUTION_STATUSES = ['running', 'pausing', 'paused', 'completed', 'failed', 'cancelled', 'timed_out'];

/** Filters from the hash query (`#/executions?status=paused&workflow=x&awaiting=me`). */
export function filtersFrom(query) {
  return { status: query.get('status') ?? '', workflow: query.get('workflow') ?? '', awaiting: query.get('awaiting') === 'me' };
}

function listUrl(filters, pageToken) {
  const query = new URLSearchParams();
  if (filters.status) query.set('status', filters.status);
  if (filters.workflow) query.set('workflow', filters.workflow);
  if (filters.awaiting) query.set('awaiting', 'me');
  query.set('page_size', '25');
  if (pageToken) query.set('page_token', pageToken);
  return `${v1`/executions`}?${query}`;
}

/** The list page; `query` is the URLSearchParams of the hash. */
export function ExecutionsPage({ query }) {
  const filters = filtersFrom(query);
  const [draft, setDraft] = useState(filters);
  const [items, setItems] = useState(undefined);
  const [next, setNext] = useState(null);
  const [error, setError] = useState(undefined);
  const [loading, setLoading] = useState(false);
  const key = JSON.stringify(filters);

  const load = async (pageToken) => {
    setLoading(true);
    setError(undefined);
    try {
      const page = await api('GET', listUrl(filters, pageToken));
      setItems((current) => (pageToken ? [...(current ?? []), ...page.items] : page.items));
      setNext(page.next_page_token);
    } catch (e) {
      setError(e);
    } finally {
      setLoading(false);
    }
  };
  useEffect(() => {
    setDraft(filters);
    void load(undefined);
  }, [key]);

  const apply = (event) => {
    event.preventDefault();
    const q = new URLSearchParams();
    if (draft.status) q.set('status', draft.status);
    if (draft.workflow.trim()) q.set('workflow', draft.workflow.trim());
    if (draft.awaiting) q.set('awaiting', 'me');
    const hash = `#/executions${q.size ? `?${q}` : ''}`;
    if (location.hash === hash) void load(undefined);
    else location.hash = hash;
  };

  return html`<section aria-labelledby="executions-heading">
    <div class="page-head"><${PageHeading}><span id="executions-heading">Executions</span><//></div>
    <form class="filters" onSubmit=${apply} aria-label="Filter executions">
      <div class="field">
        <label for="filter-status">Status</label>
        <select id="filter-status" value=${draft.status} onChange=${(e) => setDraft({ ...draft, status: e.currentTarget.value })}>
          <option value="">any</option>
          ${EXECUTION_STATUSES.map((s) => html`<option value=${s}>${s}</option>`)}
        </select>
      </div>
      <div class="field">
        <label for="filter-workflow">Workflow id</label>
        <input id="filter-workflow" type="text" value=${draft.workflow} onInput=${(e) => setDraft({ ...draft, workflow: e.currentTarget.value })} />
      </div>
      <div class="field field-check">
        <input id="filter-awaiting" type="checkbox" checked=${draft.awaiting} onChange=${(e) => setDraft({ ...draft, awaiting: e.currentTarget.checked })} />
        <label for="filter-awaiting">Awaiting me</label>
      </div>
      <div class="buttons"><button type="submit" class="primary">Apply filters</button></div>
    </form>
    <${Problem} error=${error} context="The executions cannot be listed" />
    ${items !== undefined &&
    html`<p class="muted" aria-live="polite">${items.length} execution${items.length === 1 ? '' : 's'} shown${next ? ' (more available)' : ''}.</p>
      <div class="table-wrap">
        <table class="responsive">
          <caption class="visually-hidden">Executions</caption>
          <thead><tr><th scope="col">Execution</th><th scope="col">Workflow</th><th scope="col">Status</th><th scope="col">Awaiting</th><th scope="col">Started</th><th scope="col">Closed</th></tr></thead>
          <tbody>
            ${items.map(
              (e) => html`<tr key=${e.execution_id}>
                <td data-label="Execution"><a href=${`#/executions/${encodeURIComponent(e.execution_id)}`}>${e.execution_id}</a></td>
                <td data-label="Workflow">${e.workflow_id}${e.workflow_version === null ? '' : ` v${e.workflow_version}`}</td>
                <td data-label="Status"><${Status} value=${e.status} /></td>
                <td data-label="Awaiting">${e.awaiting.length ? e.awaiting.join(', ') : '—'}</td>
                <td data-label="Started"><${Time} iso=${e.started_at} /></td>
                <td data-label="Closed"><${Time} iso=${e.closed_at} /></td>
              </tr>`,
            )}
          </tbody>
        </table>
      </div>
      ${next && html`<div class="buttons"><button type="button" onClick=${() => load(next)} disabled=${loading}>Load more</button></div>`}`}
  </section>`;
}
