/**
 * The console's only way to the server: JSON requests to the REST API with the signed-in key, and
 * server-sent event streams read with fetch (EventSource cannot send an Authorization header).
 * Every failed request throws an ApiError carrying the problem document.
 */
import { createParser } from '/ui/vendor/eventsource-parser.js';

const KEY_STORAGE = 'cadenza.apiKey';

/** The API key of this browser tab (session storage: gone when the tab closes). */
export const session = {
  get key() {
    return sessionStorage.getItem(KEY_STORAGE);
  },
  set key(value) {
    if (value) sessionStorage.setItem(KEY_STORAGE, value);
    else sessionStorage.removeItem(KEY_STORAGE);
  },
};

/** A refused or failed request: `problem` is the problem+json document (or one made up for a network failure). */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

function headers(extra = {}) {
  const key = session.key;
  return { accept: 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}), ...extra };
}

async function problemOf(response) {
  const text = await response.text();
  try {
    const body = JSON.parse(text);
    if (body && typeof body === 'object') return body;
  } catch {
    // not JSON: fall through
  }
  return { title: response.statusText || 'Request failed', status: response.status, detail: text.slice(0, 500) || `HTTP ${response.status}` };
}

/** Sends one request; resolves with the JSON answer, rejects with an ApiError. */
export async function api(method, path, body, { key } = {}) {
  let response;
  try {
    response = await fetch(path, {
      method,
      headers: headers({
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(key ? { authorization: `Bearer ${key}` } : {}),
      }),
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch (error) {
    throw new ApiError(0, { title: 'The API cannot be reached', detail: String(error?.message ?? error) });
  }
  if (!response.ok) throw new ApiError(response.status, await problemOf(response));
  if (response.status === 204) return null;
  return response.json();
}

/**
 * Reads a server-sent event stream until `signal` aborts, reconnecting (with `Last-Event-ID`) when
 * it drops. `onEvent({event, data, id})` gets each event; `onState('live' | 'reconnecting' |
 * 'ended')` the connection's state; `onProblem(ApiError)` a refusal (the stream then stops).
 */
export async function readStream(path, { signal, onEvent, onState = () => {}, onProblem = () => {} }) {
  let lastEventId;
  let retryMs = 1000;
  while (!signal.aborted) {
    let ended = false;
    try {
      const response = await fetch(path, {
        headers: headers({ accept: 'text/event-stream', ...(lastEventId ? { 'last-event-id': lastEventId } : {}) }),
        signal,
      });
      if (!response.ok) {
        onProblem(new ApiError(response.status, await problemOf(response)));
        if (response.status !== 503) return;
      } else {
        onState('live');
        const parser = createParser({
          onEvent: (event) => {
            if (event.id) lastEventId = event.id;
            if (event.event === 'end') ended = true;
            onEvent(event);
          },
          onRetry: (ms) => {
            retryMs = ms;
          },
        });
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          parser.feed(value);
        }
      }
    } catch (error) {
      if (signal.aborted || error?.name === 'AbortError') return;
    }
    if (ended) {
      onState('ended');
      return;
    }
    if (signal.aborted) return;
    onState('reconnecting');
    await new Promise((resolve) => setTimeout(resolve, retryMs));
  }
}

/** `/api/v1` + path, each dynamic segment encoded. */
export function v1(strings, ...values) {
  return '/api/v1' + strings.reduce((out, s, i) => out + s + (i < values.length ? encodeURIComponent(String(values[i])) : ''), '');
}
