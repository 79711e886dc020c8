/**
 * The one place where errors become responses: every error (ours, fastify's, zod's, Temporal's)
 * is mapped to an `ApiProblem` (`src/errors/problems.ts`) and sent as `application/problem+json`,
 * with the HTTP-only headers added here. Bad input is always a 4xx.
 */
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import {
  ApiProblem,
  BadRequest,
  InternalError,
  MalformedBody,
  PayloadTooLarge,
  type ProblemIssue,
  RouteNotFound,
  TemporalUnavailable,
  UnsupportedMediaType,
  ValidationFailed,
} from '../errors/problems';
import { temporalLimitProblem } from '../temporal/temporal-limits';
import { isTemporalUnreachable } from '../temporal/unreachable';

/** Media type of every error response (RFC 9457). */
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** Content types the API parses (JSON everywhere, YAML for definitions). */
export const ACCEPTED_CONTENT_TYPES = ['application/json', 'application/yaml', 'text/yaml'] as const;

/** What a 401 asks for (RFC 9110 §11.6.1): an API key as a bearer token. */
const AUTHENTICATION_CHALLENGE = 'Bearer realm="cadenza"';

/** Installs the error and not-found handlers on `app`. */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const problem = toProblem(error, request, app.initialConfig.bodyLimit ?? 1_048_576);
    if (problem instanceof InternalError) request.log.error({ err: error }, 'request failed');
    else if (problem.status >= 500) request.log.warn({ problem: problem.slug, detail: problem.detail }, 'request failed');
    else request.log.info({ problem: problem.slug, detail: problem.detail }, 'request refused');
    return sendProblem(reply, request, problem);
  });
  app.setNotFoundHandler((request, reply) => sendProblem(reply, request, new RouteNotFound(request.method, request.url)));
}

/**
 * Fastify's `frameworkErrors` option: refusals made before routing (a URL that is not valid percent-
 * encoding, a path parameter over `maxParamLength`) go through the same mapping as every other error.
 */
export function frameworkErrorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const problem = toProblem(error, request, request.server.initialConfig.bodyLimit ?? 1_048_576);
  request.log.info({ problem: problem.slug, detail: problem.detail }, 'request refused');
  void sendProblem(reply, request, problem);
}

/**
 * Fastify's `clientErrorHandler` option: a request Node's HTTP parser refuses (headers too large, a
 * malformed request line, a timeout) is answered with a problem document on the raw socket.
 */
export function clientErrorHandler(error: Error & { code?: string }, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const problem =
    error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? new BadRequest('the request was not received in time', 408)
      : error.code === 'HPE_HEADER_OVERFLOW'
        ? new BadRequest('the request headers are too large', 431)
        : new BadRequest('the request is not valid HTTP');
  if (socket.writable) {
    const body = JSON.stringify(problem.toDocument());
    const reason = STATUS_CODES[problem.status] ?? 'Bad Request';
    socket.write(
      `HTTP/1.1 ${problem.status} ${reason}\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}

/** Sends a problem document. The body is pre-serialized so no route's response schema applies. */
export function sendProblem(reply: FastifyReply, request: FastifyRequest, problem: ApiProblem): FastifyReply {
  return reply
    .code(problem.status)
    .headers(problemHeaders(problem))
    .type(PROBLEM_CONTENT_TYPE)
    .send(JSON.stringify(problem.toDocument(request.url)));
}

/** The HTTP headers that go with a problem: `Retry-After` when it has a retry hint, the challenge on a 401. */
export function problemHeaders(problem: ApiProblem): Record<string, string> {
  return {
    ...(problem.retryAfterSeconds === undefined ? {} : { 'retry-after': String(problem.retryAfterSeconds) }),
    ...(problem.status === 401 ? { 'www-authenticate': AUTHENTICATION_CHALLENGE } : {}),
  };
}

/** Maps any error to the problem a client sees. */
export function toProblem(error: unknown, request: FastifyRequest, bodyLimit: number): ApiProblem {
  if (error instanceof ApiProblem) return error;
  if (hasZodFastifySchemaValidationErrors(error)) {
    const location = locationName(error.validationContext);
    return new ValidationFailed(error.validation.map((v) => ({ path: joinPath(location, v.instancePath), message: v.message ?? 'is invalid' })));
  }
  if (isTemporalUnreachable(error)) return new TemporalUnavailable('the Temporal server cannot be reached', error);
  const limit = temporalLimitProblem(error);
  if (limit) return limit;
  const fastifyError = error as Partial<FastifyError> | undefined;
  switch (fastifyError?.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new UnsupportedMediaType(request.headers['content-type'], ACCEPTED_CONTENT_TYPES);
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new PayloadTooLarge(bodyLimit);
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new MalformedBody('the body is not valid JSON');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new MalformedBody('the body is empty but Content-Type is application/json');
    case 'FST_ERR_VALIDATION':
      return new ValidationFailed(validationIssues(fastifyError));
    default:
      break;
  }
  if (error instanceof SyntaxError && fastifyError?.statusCode === 400) return new MalformedBody(`the body is not valid JSON: ${error.message}`);
  const status = fastifyError?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) return new BadRequest(fastifyError?.message ?? 'bad request', status);
  return new InternalError(error);
}

function locationName(context: string | undefined): string {
  return context === 'querystring' ? 'query' : (context ?? 'request');
}

/** `body` + `/tasks/0/id` → `body.tasks[0].id`. */
function joinPath(location: string, instancePath: string): string {
  const parts = instancePath.split('/').filter((p) => p.length > 0);
  return parts.reduce((path, part) => (/^\d+$/.test(part) ? `${path}[${part}]` : `${path}.${part}`), location);
}

function validationIssues(error: Partial<FastifyError>): ProblemIssue[] {
  const location = locationName(error.validationContext);
  const issues = (error.validation ?? []).map((v) => ({ path: joinPath(location, v.instancePath), message: v.message ?? 'is invalid' }));
  return issues.length > 0 ? issues : [{ path: location, message: error.message ?? 'is invalid' }];
}
