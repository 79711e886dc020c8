/** Small shared views: JSON, problems, times, status badges, the page heading that takes focus. */
import { html, useEffect, useRef } from '/ui/vendor/preact-htm.js';

/** Pretty JSON in a scrollable, keyboard-focusable block. */
export function Json({ value, label }) {
  const text = value === undefined ? '—' : JSON.stringify(value, null, 2);
  return html`<pre class="json" tabindex="0" role="region" aria-label=${label}>${text}</pre>`;
}

/** A refusal: the problem's title and `detail`, its `missing` requirements and its field `errors`. */
export function Problem({ error, context }) {
  if (!error) return null;
  const problem = error.problem ?? { title: 'Error', detail: String(error.message ?? error) };
  const missing = Array.isArray(problem.missing) ? problem.missing : [];
  const issues = [...(Array.isArray(problem.errors) ? problem.errors : []), ...(Array.isArray(problem.issues) ? problem.issues : [])];
  const slug = typeof problem.type === 'string' ? problem.type.split('/').pop() : undefined;
  return html`<div class="problem" role="alert">
    <p class="problem-title"><strong>${context ? `${context}: ` : ''}${problem.title ?? 'Refused'}</strong>${problem.status ? ` (${problem.status}${slug ? ` ${slug}` : ''})` : ''}</p>
    <p class="problem-detail">${problem.detail}</p>
    ${missing.length > 0 &&
    html`<p>Missing:</p>
      <ul class="missing">
        ${missing.map((m) => html`<li><code>${m.task_id}</code>: ${m.need}</li>`)}
      </ul>`}
    ${issues.length > 0 &&
    html`<ul class="issues">
      ${issues.map((i) => html`<li><code>${i.path || '(body)'}</code>: ${i.message}</li>`)}
    </ul>`}
    ${problem.required_permission && html`<p>Needs the permission <code>${problem.required_permission}</code>.</p>`}
  </div>`;
}

/** A timestamp: local time for reading, ISO in `datetime`. */
export function Time({ iso, relative = false }) {
  if (!iso) return html`<span>—</span>`;
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return html`<span>${iso}</span>`;
  const text = date.toLocaleString();
  return html`<time datetime=${iso} title=${iso}>${text}${relative ? ` (${fromNow(date)})` : ''}</time>`;
}

/** "in 2 h", "5 min ago". */
export function fromNow(date) {
  const seconds = Math.round((date.getTime() - Date.now()) / 1000);
  const abs = Math.abs(seconds);
  const [value, unit] = abs < 90 ? [abs, 's'] : abs < 5400 ? [Math.round(abs / 60), 'min'] : abs < 172800 ? [Math.round(abs / 3600), 'h'] : [Math.round(abs / 86400), 'd'];
  return seconds >= 0 ? `in ${value} ${unit}` : `${value} ${unit} ago`;
}

/** An execution or task status as a coloured badge (the word is always there: colour is never the only cue). */
export function Status({ value }) {
  return html`<span class=${`badge badge-${value}`}>${value}</span>`;
}

/** The page's h1; it takes focus when the page opens, so screen readers and keyboards start there. */
export function PageHeading({ children }) {
  const ref = useRef(null);
  useEffect(() => {
    ref.current?.focus();
  }, []);
  return html`<h1 tabindex="-1" ref=${ref}>${children}</h1>`;
}

/** A message as text: strings as they are, anything else as JSON. */
export function asText(value) {
  if (value === null || value === undefined) return '—';
  return typeof value === 'string' ? value : JSON.stringify(value);
}
