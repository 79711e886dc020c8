/**
 * One HTTP exchange of the `http` tool over `node:http`/`node:https` and the egress agents, so the
 * policy checks every connection, redirects included: redirects are followed here, hop by hop (at
 * most `maxRedirects`), each through the same agents, as fetch would follow them (303, and 301/302
 * after a POST, become a GET without body; credentials are dropped when the origin changes).
 */
import * as http from 'node:http';
import * as https from 'node:https';
import type { EgressAgents } from './egress/agent';
import { ACCEPTED_ENCODINGS, readBodyCapped } from './http-body';

/** What to send. Header names are lower case. */
export interface HttpRequestSpec {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body: string | undefined;
  /** Aborts the whole exchange, redirects and body included. */
  signal: AbortSignal;
}

/** How to send it. */
export interface HttpTransport {
  agents: EgressAgents;
  /** Cap of the decoded response body, in bytes. */
  maxResponseBytes: number;
  /** Redirects followed before giving up. */
  maxRedirects: number;
}

/** The final response, body read. */
export interface HttpExchange {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  /** The URL that answered (after redirects). */
  url: URL;
}

/** A redirect that cannot be followed: too many, or a Location that is not an http(s) URL. */
export class RedirectError extends Error {
  override name = 'RedirectError';
}

/** Statuses fetch follows. */
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/** Headers describing a body: dropped with the body when a redirect turns the request into a GET. */
const BODY_HEADERS = ['content-type', 'content-length', 'content-encoding', 'content-language', 'content-location'];

/** Headers that carry credentials (or pin the origin): dropped when a redirect changes the origin. */
const ORIGIN_HEADERS = ['authorization', 'proxy-authorization', 'cookie', 'host'];

/** Sends the request, follows redirects, reads the body (capped). Rejects with the transport's errors. */
export async function sendHttpRequest(spec: HttpRequestSpec, transport: HttpTransport): Promise<HttpExchange> {
  let { method, url, body } = spec;
  let headers: Record<string, string> = { 'accept-encoding': ACCEPTED_ENCODINGS, ...spec.headers };
  for (let redirects = 0; ; redirects++) {
    const response = await exchange({ ...spec, method, url, headers, body }, transport.agents);
    const location = response.headers.location;
    if (!REDIRECT_STATUSES.has(response.statusCode ?? 0) || location === undefined) {
      const bytes = await readBodyCapped(response, transport.maxResponseBytes);
      return { status: response.statusCode ?? 0, headers: flatHeaders(response.headers), body: bytes, url };
    }
    response.destroy();
    if (redirects >= transport.maxRedirects) throw new RedirectError(`more than ${transport.maxRedirects} redirects (the last to ${location})`);
    const next = redirectTarget(location, url);
    const status = response.statusCode ?? 0;
    if (status === 303 ? method !== 'HEAD' : (status === 301 || status === 302) && method === 'POST') {
      method = 'GET';
      body = undefined;
      headers = without(headers, BODY_HEADERS);
    }
    if (next.origin !== url.origin) headers = without(headers, ORIGIN_HEADERS);
    url = next;
  }
}

function exchange(spec: HttpRequestSpec, agents: EgressAgents): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    const secure = spec.url.protocol === 'https:';
    const options: http.RequestOptions = { method: spec.method, headers: spec.headers, signal: spec.signal, agent: secure ? agents.https : agents.http };
    const request = secure ? https.request(spec.url, options) : http.request(spec.url, options);
    request.once('response', resolve);
    request.once('error', reject);
    request.end(spec.body);
  });
}

function redirectTarget(location: string, base: URL): URL {
  let next: URL;
  try {
    next = new URL(location, base);
  } catch {
    throw new RedirectError(`redirected to an invalid URL: ${JSON.stringify(location)}`);
  }
  if (next.protocol !== 'http:' && next.protocol !== 'https:') throw new RedirectError(`redirected to a ${next.protocol} URL, not http(s)`);
  return next;
}

function without(headers: Record<string, string>, names: readonly string[]): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !names.includes(name)));
}

function flatHeaders(headers: http.IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  return flat;
}
