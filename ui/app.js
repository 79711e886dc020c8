/**
 * The console's entry: signs in (an API key kept in session storage, or none when the API has
 * authentication off), routes by the URL's hash (`#/inbox`, `#/executions`, `#/executions/<id>`),
 * and owns the live region every page announces through.
 */
import { html, render, useEffect, useState } from '/ui/vendor/preact-htm.js';
import { api, ApiError, session, v1 } from './api.js';
import { Problem } from './components.js';
import { ExecutionPage } from './execution-page.js';
import { ExecutionsPage } from './executions.js';
import { InboxPage } from './inbox.js';

/** The route of a hash: `{page, id?, query}`. */
export function routeOf(hash) {
  const [path, search = ''] = hash.replace(/^#/, '').split('?');
  const query = new URLSearchParams(search);
  const parts = (path || '/inbox').split('/').filter(Boolean);
  if (parts[0] === 'executions' && parts[1]) return { page: 'execution', id: decodeURIComponent(parts.slice(1).join('/')), query };
  if (parts[0] === 'executions') return { page: 'executions', query };
  return { page: 'inbox', query };
}

function useHash() {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const onChange = () => setHash(location.hash);
    addEventListener('hashchange', onChange);
    return () => removeEventListener('hashchange', onChange);
  }, []);
  return hash;
}

function App() {
  const [settings, setSettings] = useState(undefined);
  const [me, setMe] = useState(undefined);
  const [problem, setProblem] = useState(undefined);
  const [announcement, setAnnouncement] = useState('');
  const hash = useHash();

  const identify = async () => {
    try {
      setMe(await api('GET', v1`/me`));
      setProblem(undefined);
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) session.key = null;
      setMe(null);
      setProblem(e);
    }
  };
  useEffect(() => {
    void (async () => {
      const s = await api('GET', '/ui/settings.json').catch(() => ({ authentication: 'on' }));
      setSettings(s);
      if (s.authentication === 'off' || session.key) await identify();
      else setMe(null);
    })();
  }, []);
  // A new announcement replaces the old one; clearing first makes a repeated text be read again.
  const announce = (text) => {
    setAnnouncement('');
    setTimeout(() => setAnnouncement(text), 50);
  };
  const signOut = () => {
    session.key = null;
    setMe(null);
    setProblem(undefined);
  };

  const live = html`<div class="visually-hidden" role="status" aria-live="polite" aria-atomic="true" id="announcer">${announcement}</div>`;
  if (settings === undefined || me === undefined) return html`<main id="main"><p>Loading…</p></main>${live}`;
  if (me === null) {
    return html`<${SignIn} problem=${problem} onSignedIn=${async (key) => {
      session.key = key;
      await identify();
    }} />${live}`;
  }
  const route = routeOf(hash);
  return html`<header class="top">
      <a class="brand" href="#/inbox">Cadenza</a>
      <nav aria-label="Main">
        <ul>
          <li><a href="#/inbox" aria-current=${route.page === 'inbox' ? 'page' : undefined}>Inbox</a></li>
          <li><a href="#/executions" aria-current=${route.page !== 'inbox' ? 'page' : undefined}>Executions</a></li>
        </ul>
      </nav>
      <p class="who">${settings.authentication === 'off' ? 'Authentication is off' : html`Signed in as <strong>${me.name}</strong>${me.roles.length ? ` (${me.roles.join(', ')})` : ''}`}</p>
      ${settings.authentication === 'on' && html`<button type="button" onClick=${signOut}>Sign out</button>`}
    </header>
    <main id="main">
      ${route.page === 'inbox' && html`<${InboxPage} key="inbox" announce=${announce} />`}
      ${route.page === 'executions' && html`<${ExecutionsPage} key="executions" query=${route.query} />`}
      ${route.page === 'execution' && html`<${ExecutionPage} key=${route.id} id=${route.id} me=${me} announce=${announce} />`}
    </main>
    ${live}`;
}

function SignIn({ problem, onSignedIn }) {
  const [key, setKey] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (event) => {
    event.preventDefault();
    setBusy(true);
    await onSignedIn(key.trim());
    setBusy(false);
  };
  return html`<main id="main" class="sign-in">
    <h1>Sign in to Cadenza</h1>
    <form onSubmit=${submit} aria-label="Sign in">
      <div class="field">
        <label for="api-key">API key</label>
        <input id="api-key" type="password" autocomplete="current-password" required minlength="1" value=${key} onInput=${(e) => setKey(e.currentTarget.value)} aria-describedby="api-key-hint" />
        <p class="hint" id="api-key-hint">One of the keys in CADENZA_API_KEYS. It stays in this tab only (session storage).</p>
      </div>
      <${Problem} error=${problem} context="Not signed in" />
      <div class="buttons"><button type="submit" class="primary" disabled=${busy}>Sign in</button></div>
    </form>
  </main>`;
}

const root = document.getElementById('root');
root.textContent = '';
render(html`<${App} />`, root);
