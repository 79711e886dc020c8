/**
 * The one error hierarchy of Cadenza's public API, transport-neutral. Every failure a client can see
 * is an `ApiProblem`: an RFC 9457 problem with a stable `type` URI (from its slug) and a numeric
 * `status`. The services (definition store, execution service, command service) throw these; each
 * edge renders them once: the HTTP edge as `application/problem+json` (`src/api/error-handler.ts`,
 * which also adds the HTTP-only headers), the NATS command consumer as the `problem` of a reply
 * (`src/events/command-consumer.ts`). Nothing here knows a transport: `status` is the problem
 * document's own member (the NATS reply carries it too), see docs/decisions.md. The catalogue is
 * documented in docs/api-errors.md.
 */

import { boundIssues, describeIssues, type ProblemIssue } from './problem-issues';

export { MAX_LISTED_ISSUES, type ProblemIssue } from './problem-issues';

/** Prefix of every problem `type`. */
export const PROBLEM_TYPE_BASE = 'https://cadenza.dev/problems/';

/** When a 503 suggests trying again: the worker, Temporal or a stream slot may be back by then. */
const RETRY_AFTER_SECONDS = 5;


/** The JSON body of a problem response. */
export interface ProblemDocument {
  /** `PROBLEM_TYPE_BASE` + the problem's slug. */
  type: string;
  /** Short summary, the same for every occurrence of the type. */
  title: string;
  /** The status code of the problem (an HTTP status; NATS replies carry it too). */
  status: number;
  /** This occurrence, in words. */
  detail: string;
  /** What the problem is about: the request URL, or the NATS subject. */
  instance?: string;
  /** Extension members (`errors`, `issues`, `execution_id`, ...). */
  [extension: string]: unknown;
}

/** What a problem is made of; the subclasses below fill it in. */
export interface ApiProblemInit {
  /** The status code (an HTTP status), also the `status` of the document. */
  status: number;
  /** Stable slug; the `type` is `PROBLEM_TYPE_BASE + slug`. */
  slug: string;
  title: string;
  detail: string;
  /** Extension members added to the document (`errors`, `issues`, ...). */
  extensions?: Record<string, unknown>;
  /** Seconds after which a retry may succeed (the HTTP edge sends it as `Retry-After`). */
  retryAfterSeconds?: number;
  /** The error behind the problem, for the log; never shown to the client. */
  cause?: unknown;
}

/** Base of every problem. */
export class ApiProblem extends Error {
  override name = 'ApiProblem';
  readonly status: number;
  readonly slug: string;
  readonly title: string;
  readonly detail: string;
  readonly extensions: Record<string, unknown>;
  /** Undefined when retrying does not help by itself. */
  readonly retryAfterSeconds: number | undefined;

  constructor(init: ApiProblemInit) {
    super(init.detail, init.cause === undefined ? undefined : { cause: init.cause });
    this.status = init.status;
    this.slug = init.slug;
    this.title = init.title;
    this.detail = init.detail;
    this.extensions = init.extensions ?? {};
    this.retryAfterSeconds = init.retryAfterSeconds;
  }

  /** The stable `type` URI of the problem. */
  get type(): string {
    return PROBLEM_TYPE_BASE + this.slug;
  }

  /** The problem document; extensions never override a standard member. */
  toDocument(instance?: string): ProblemDocument {
    return {
      ...this.extensions,
      type: this.type,
      title: this.title,
      status: this.status,
      detail: this.detail,
      ...(instance === undefined ? {} : { instance }),
    };
  }
}

/** 400: the request does not match the endpoint's schema (body, query, params or headers). */
export class ValidationFailed extends ApiProblem {
  constructor(errors: ProblemIssue[], detail = describeIssues(errors)) {
    super({ status: 400, slug: 'validation_error', title: 'Request validation failed', detail, extensions: { errors: boundIssues(errors) } });
  }
}

/** 400: the body is not parseable as its content type (broken JSON or YAML, empty JSON body). */
export class MalformedBody extends ApiProblem {
  constructor(detail: string) {
    super({ status: 400, slug: 'malformed_body', title: 'Malformed request body', detail });
  }
}

/** 400: the body nests objects and arrays deeper than the API takes (`MAX_BODY_DEPTH`). */
export class BodyTooDeep extends ApiProblem {
  constructor(maxDepth: number, path: string) {
    super({
      status: 400,
      slug: 'body_too_deep',
      title: 'Request body nested too deeply',
      detail: `the body nests objects and arrays deeper than ${maxDepth} levels (at ${path.length > 200 ? `${path.slice(0, 200)}...` : path})`,
      extensions: { max_depth: maxDepth },
    });
  }
}

/** 400 (or another 4xx: 408, 414, 431): any other request the framework refused before it reached a route. */
export class BadRequest extends ApiProblem {
  constructor(detail: string, status = 400) {
    super({ status, slug: 'bad_request', title: 'Bad request', detail });
  }
}

/** 413: the body exceeds the size limit. */
export class PayloadTooLarge extends ApiProblem {
  constructor(limitBytes: number) {
    super({
      status: 413,
      slug: 'payload_too_large',
      title: 'Request body too large',
      detail: `the request body exceeds ${limitBytes} bytes`,
      extensions: { limit_bytes: limitBytes },
    });
  }
}

/** 415: the endpoint does not accept this content type. */
export class UnsupportedMediaType extends ApiProblem {
  constructor(contentType: string | undefined, accepted: readonly string[]) {
    super({
      status: 415,
      slug: 'unsupported_media_type',
      title: 'Unsupported media type',
      detail: `content type ${contentType ? `"${contentType}"` : '(none)'} is not accepted; use one of ${accepted.join(', ')}`,
      extensions: { accepted: [...accepted] },
    });
  }
}

/**
 * 401: no API key, an unknown one, or a malformed `Authorization` header (only when keys are configured).
 * The HTTP edge adds the `WWW-Authenticate` challenge every 401 carries.
 */
export class Unauthenticated extends ApiProblem {
  constructor(detail: string) {
    super({
      status: 401,
      slug: 'unauthenticated',
      title: 'Authentication required',
      detail,
    });
  }
}

/** 403: the caller's key lacks the permission the endpoint needs. */
export class Forbidden extends ApiProblem {
  constructor(actor: string, permission: string) {
    super({
      status: 403,
      slug: 'forbidden',
      title: 'Permission denied',
      detail: `"${actor}" lacks the permission "${permission}"`,
      extensions: { required_permission: permission, actor },
    });
  }
}

/** 404 for any missing resource; subclasses name which. */
export class NotFound extends ApiProblem {
  constructor(slug: string, title: string, detail: string, extensions?: Record<string, unknown>) {
    super({ status: 404, slug, title, detail, ...(extensions ? { extensions } : {}) });
  }
}

/** 404: no route answers this method and path. */
export class RouteNotFound extends NotFound {
  constructor(method: string, url: string) {
    super('route_not_found', 'Route not found', `no route for ${method} ${url}`);
  }
}

/** 404: no such definition (or no such version of it). */
export class WorkflowNotFound extends NotFound {
  constructor(workflowId: string, version?: number) {
    super(
      'workflow_not_found',
      'Workflow definition not found',
      version === undefined ? `workflow "${workflowId}" is not registered` : `workflow "${workflowId}" has no version ${version}`,
      { workflow_id: workflowId, ...(version === undefined ? {} : { version }) },
    );
  }
}

/** 404: no such execution. */
export class ExecutionNotFound extends NotFound {
  constructor(executionId: string) {
    super('execution_not_found', 'Execution not found', `execution "${executionId}" does not exist`, { execution_id: executionId });
  }
}

/** 404: the execution has no such task (or it was never scheduled). */
export class TaskNotFound extends NotFound {
  constructor(executionId: string, taskId: string) {
    super('task_not_found', 'Task not found', `execution "${executionId}" has no scheduled task "${taskId}"`, {
      execution_id: executionId,
      task_id: taskId,
    });
  }
}

/** 422: the definition fails the schema or the static checks. */
export class DefinitionInvalid extends ApiProblem {
  constructor(issues: ProblemIssue[]) {
    super({
      status: 422,
      slug: 'definition_invalid',
      title: 'Invalid workflow definition',
      detail: describeIssues(issues),
      extensions: { issues: boundIssues(issues) },
    });
  }
}

/** 422: the trigger input does not match the definition's `input` JSON Schema. */
export class InputInvalid extends ApiProblem {
  constructor(workflowId: string, errors: ProblemIssue[]) {
    super({
      status: 422,
      slug: 'input_invalid',
      title: 'Invalid execution input',
      detail: `input does not match the input schema of "${workflowId}": ${describeIssues(errors)}`,
      extensions: { workflow_id: workflowId, errors: boundIssues(errors) },
    });
  }
}

/** 422: an `Idempotency-Key` was reused with a different request body. */
export class IdempotencyKeyReused extends ApiProblem {
  constructor(key: string, executionId: string) {
    super({
      status: 422,
      slug: 'idempotency_key_reused',
      title: 'Idempotency key reused with a different request',
      detail: `Idempotency-Key "${key}" already started execution "${executionId}" with a different body`,
      extensions: { idempotency_key: key, execution_id: executionId },
    });
  }
}

/** 409: the version exists with a different body, or is below the latest. */
export class VersionConflict extends ApiProblem {
  constructor(workflowId: string, version: number, latestVersion: number | null, detail: string) {
    super({
      status: 409,
      slug: 'version_conflict',
      title: 'Definition version conflict',
      detail,
      extensions: { workflow_id: workflowId, version, latest_version: latestVersion },
    });
  }
}

/** 409: the execution already finished, so the command cannot apply. */
export class ExecutionClosed extends ApiProblem {
  constructor(executionId: string, status: string) {
    super({
      status: 409,
      slug: 'execution_closed',
      title: 'Execution already closed',
      detail: `execution "${executionId}" is already ${status}`,
      extensions: { execution_id: executionId, execution_status: status },
    });
  }
}

/**
 * A command (pause, resume, task resume, decision) the execution refused: its validator said why.
 * The slug is the workflow's `CommandErrorType`; see `src/executions/command-refusals.ts`.
 */
export class CommandRefused extends ApiProblem {
  constructor(init: { status: number; slug: string; title: string; detail: string; extensions: Record<string, unknown> }) {
    super(init);
  }
}

/** 503: no worker answered a query or update in time (none polls the task queue, or all are stuck). */
export class WorkerUnavailable extends ApiProblem {
  constructor(detail: string, extensions?: Record<string, unknown>) {
    super({
      status: 503,
      slug: 'worker_unavailable',
      title: 'No worker available',
      detail,
      retryAfterSeconds: RETRY_AFTER_SECONDS,
      ...(extensions ? { extensions } : {}),
    });
  }
}

/** 503: the Temporal server cannot be reached. */
export class TemporalUnavailable extends ApiProblem {
  constructor(detail: string, cause?: unknown) {
    super({ status: 503, slug: 'temporal_unavailable', title: 'Temporal unavailable', detail, retryAfterSeconds: RETRY_AFTER_SECONDS, cause });
  }
}

/** 503: this API process already serves as many event streams as `CADENZA_SSE_MAX_STREAMS` allows. */
export class StreamLimitReached extends ApiProblem {
  constructor(maxStreams: number) {
    super({
      status: 503,
      slug: 'stream_limit_reached',
      title: 'Too many open event streams',
      detail: `this API process already serves ${maxStreams} event streams (CADENZA_SSE_MAX_STREAMS); retry later`,
      retryAfterSeconds: RETRY_AFTER_SECONDS,
      extensions: { max_streams: maxStreams },
    });
  }
}

/** 500: a bug. The detail never leaks internals; the log has them. */
export class InternalError extends ApiProblem {
  constructor(cause?: unknown) {
    super({ status: 500, slug: 'internal_error', title: 'Internal server error', detail: 'an unexpected error occurred; see the server log', cause });
  }
}
