/**
 * `http`: a real HTTP request with a timeout; JSON in and out. Sends the task's idempotency key as
 * `Idempotency-Key` so a retried attempt can be deduplicated by the server. Every connection,
 * redirects included, goes through the egress policy (`CADENZA_HTTP_ALLOW`, `CADENZA_HTTP_DENY`),
 * and the response body is capped (`CADENZA_HTTP_MAX_RESPONSE_BYTES`).
 */
import { ApplicationFailure } from '@temporalio/common';
import { z } from 'zod';
import type { Config } from '../../config';
import { DurationSchema, parseDuration } from '../../definitions/duration';
import { createEgressAgents, egressDenialOf, type ResolveHost } from './egress/agent';
import { EgressPolicy } from './egress/policy';
import { DEFAULT_MAX_RESPONSE_BYTES, ResponseTooLargeError } from './http-body';
import { RedirectError, sendHttpRequest, type HttpTransport } from './http-request';
import { defineTool, type Tool } from './tool';

const HttpInputSchema = z.strictObject({
  method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD']).default('GET'),
  url: z.url({ protocol: /^https?$/ }),
  headers: z.record(z.string(), z.string()).optional(),
  query: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
  /** Sent as JSON unless it is a string. */
  body: z.unknown().optional(),
  timeout: DurationSchema.default('30s'),
  /** Statuses that count as success; default: any 2xx. */
  ok_status: z.array(z.number().int().min(100).max(599)).optional(),
});

/** The input of the `http` tool. */
export type HttpInput = z.infer<typeof HttpInputSchema>;

/** The output of the `http` tool: the final response (after redirects). */
export interface HttpOutput {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

/** Redirects followed before the attempt fails, as many as fetch follows. */
export const MAX_REDIRECTS = 20;

/** How the `http` tool of a worker is configured. */
export interface HttpToolOptions {
  /** Default: everything allowed. */
  policy?: EgressPolicy;
  /** Default: `DEFAULT_MAX_RESPONSE_BYTES`. */
  maxResponseBytes?: number;
  /** Replaces the system resolver (tests). */
  resolve?: ResolveHost;
}

/** The `http` tool options a worker with `config` uses. */
export function httpToolOptionsFrom(config: Pick<Config, 'CADENZA_HTTP_ALLOW' | 'CADENZA_HTTP_DENY' | 'CADENZA_HTTP_MAX_RESPONSE_BYTES'>): HttpToolOptions {
  return {
    policy: new EgressPolicy({ allow: config.CADENZA_HTTP_ALLOW, deny: config.CADENZA_HTTP_DENY }),
    maxResponseBytes: config.CADENZA_HTTP_MAX_RESPONSE_BYTES,
  };
}

/** Client errors that a retry cannot fix; 408, 425 and 429 are worth retrying. */
const retryableClientStatuses = new Set([408, 425, 429]);

/** Builds the `http` tool with its egress policy and response cap. */
export function createHttpTool(options: HttpToolOptions = {}): Tool<HttpInput, HttpOutput> {
  const transport: HttpTransport = {
    agents: createEgressAgents(options.policy ?? EgressPolicy.open, ...(options.resolve ? [options.resolve] : [])),
    maxResponseBytes: options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
    maxRedirects: MAX_REDIRECTS,
  };
  return defineTool({
    id: 'http',
    description: 'Performs an HTTP request and returns {status, headers, body}.',
    input: HttpInputSchema,
    async run(input, ctx): Promise<HttpOutput> {
      const url = new URL(input.url);
      for (const [k, v] of Object.entries(input.query ?? {})) url.searchParams.set(k, String(v));
      const headers = Object.fromEntries(Object.entries(input.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
      headers['idempotency-key'] ??= ctx.idempotency_key;
      let body: string | undefined;
      if (input.body !== undefined && input.method !== 'GET' && input.method !== 'HEAD') {
        body = typeof input.body === 'string' ? input.body : JSON.stringify(input.body);
        headers['content-type'] ??= typeof input.body === 'string' ? 'text/plain' : 'application/json';
      }
      const what = `${input.method} ${url.origin}${url.pathname}`;
      const timeout = AbortSignal.timeout(parseDuration(input.timeout) ?? 30_000);
      let response;
      try {
        response = await sendHttpRequest({ method: input.method, url, headers, body, signal: AbortSignal.any([ctx.signal, timeout]) }, transport);
      } catch (err) {
        if (ctx.signal.aborted) throw err;
        throw failureOf(err, what, input.timeout, timeout.aborted, transport.maxResponseBytes);
      }
      const output: HttpOutput = { status: response.status, headers: response.headers, body: parseBody(response.body, response.headers['content-type']) };
      const ok = input.ok_status ? input.ok_status.includes(response.status) : response.status >= 200 && response.status < 300;
      if (!ok) {
        throw ApplicationFailure.create({
          message: `${what} answered ${response.status}`,
          type: 'HttpError',
          nonRetryable: response.status < 500 && !retryableClientStatuses.has(response.status),
          details: [{ status: response.status, body: output.body }],
        });
      }
      return output;
    },
  });
}

/** The task error for a failed exchange: refusals and oversize bodies are final, network trouble is retried. */
function failureOf(err: unknown, what: string, timeoutText: string, timedOut: boolean, maxBytes: number): ApplicationFailure {
  const denied = egressDenialOf(err);
  if (denied) {
    return ApplicationFailure.create({
      message: `${what}: ${denied.message}`,
      type: 'HttpEgressDenied',
      nonRetryable: true,
      details: [{ host: denied.host, address: denied.address ?? null, list: denied.list, rule: denied.rule }],
    });
  }
  if (err instanceof ResponseTooLargeError) {
    return ApplicationFailure.create({
      message: `${what}: ${err.message} (CADENZA_HTTP_MAX_RESPONSE_BYTES=${maxBytes})`,
      type: 'HttpResponseTooLarge',
      nonRetryable: true,
      details: [{ limit: err.limit, size: err.size ?? null }],
    });
  }
  if (err instanceof RedirectError) return ApplicationFailure.create({ message: `${what}: ${err.message}`, type: 'HttpRedirectFailed', nonRetryable: true });
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ERR_INVALID_HTTP_TOKEN' || code === 'ERR_INVALID_CHAR' || code === 'ERR_HTTP_INVALID_HEADER_VALUE') {
    return ApplicationFailure.create({ message: `${what}: ${(err as Error).message}`, type: 'HttpRequestInvalid', nonRetryable: true });
  }
  if (timedOut) return ApplicationFailure.create({ message: `${what}: no response within ${timeoutText}`, type: 'HttpTimeout' });
  return ApplicationFailure.create({ message: `${what}: ${networkReason(err)}`, type: 'HttpNetworkError' });
}

function parseBody(bytes: Buffer, contentType: string | undefined): unknown {
  const text = new TextDecoder().decode(bytes);
  if (text.length === 0) return null;
  if ((contentType ?? '').includes('json')) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }
  return text;
}

function networkReason(err: unknown): string {
  const cause = err instanceof Error && err.cause instanceof Error ? err.cause : err;
  return cause instanceof Error ? cause.message : String(cause);
}
