/**
 * `http`: a real HTTP request with a timeout; JSON in and out. Sends the task's idempotency key as
 * `Idempotency-Key` so a retried attempt can be deduplicated by the server.
 */
import { ApplicationFailure } from '@temporalio/common';
import { z } from 'zod';
import { DurationSchema, parseDuration } from '../../definitions/duration';
import { defineTool } from './tool';

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

export interface HttpOutput {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

/** Client errors that a retry cannot fix; 408, 425 and 429 are worth retrying. */
const retryableClientStatuses = new Set([408, 425, 429]);

export const httpTool = defineTool({
  id: 'http',
  description: 'Performs an HTTP request and returns {status, headers, body}.',
  input: HttpInputSchema,
  async run(input, ctx): Promise<HttpOutput> {
    const url = new URL(input.url);
    for (const [k, v] of Object.entries(input.query ?? {})) url.searchParams.set(k, String(v));
    const headers = new Headers(input.headers);
    if (!headers.has('idempotency-key')) headers.set('idempotency-key', ctx.idempotency_key);
    let body: string | undefined;
    if (input.body !== undefined && input.method !== 'GET' && input.method !== 'HEAD') {
      body = typeof input.body === 'string' ? input.body : JSON.stringify(input.body);
      if (!headers.has('content-type')) headers.set('content-type', typeof input.body === 'string' ? 'text/plain' : 'application/json');
    }
    const timeoutMs = parseDuration(input.timeout) ?? 30_000;
    let response: Response;
    try {
      response = await fetch(url, { method: input.method, headers, body, signal: AbortSignal.any([ctx.signal, AbortSignal.timeout(timeoutMs)]) });
    } catch (err) {
      if (ctx.signal.aborted) throw err;
      const timedOut = err instanceof Error && err.name === 'TimeoutError';
      throw ApplicationFailure.create({
        message: timedOut ? `${input.method} ${url.origin}${url.pathname}: no response within ${input.timeout}` : `${input.method} ${url.origin}${url.pathname}: ${networkReason(err)}`,
        type: timedOut ? 'HttpTimeout' : 'HttpNetworkError',
      });
    }
    const output: HttpOutput = { status: response.status, headers: Object.fromEntries(response.headers), body: await readBody(response) };
    const ok = input.ok_status ? input.ok_status.includes(response.status) : response.ok;
    if (!ok) {
      throw ApplicationFailure.create({
        message: `${input.method} ${url.origin}${url.pathname} answered ${response.status}`,
        type: 'HttpError',
        nonRetryable: response.status < 500 && !retryableClientStatuses.has(response.status),
        details: [{ status: response.status, body: output.body }],
      });
    }
    return output;
  },
});

async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text.length === 0) return null;
  if ((response.headers.get('content-type') ?? '').includes('json')) {
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
