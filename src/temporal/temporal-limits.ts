/**
 * Temporal's own limits, reached anyway (docs/design.md §11): the gRPC errors the server answers when
 * an execution has taken its maximum of signals or updates, has too many updates in flight, or a
 * payload is over its blob limit, and its rate limits. Each becomes a `TemporalLimitReached` problem
 * with a stable slug (409, 429 with `Retry-After`, or 413) instead of a 500. The services map the
 * errors of their calls; both edges map what reaches them unmapped the same way.
 *
 * The SDK client retries RESOURCE_EXHAUSTED by itself (ten times, backing off from one second), so a
 * burst of commands on one execution (fifty concurrent resumes) takes its turns; only a refusal that
 * outlasts those retries reaches the mapping here (`429 too_many_updates_in_flight`), one that
 * outlasts the services' 5 s deadline is `503 worker_unavailable` (docs/decisions.md).
 */
import { isGrpcServiceError, ServiceError } from '@temporalio/client';
import { TemporalLimit, TemporalLimitReached } from '../errors/limit-problems';

/** gRPC status codes Temporal uses for its limits. */
const GrpcStatus = { InvalidArgument: 3, FailedPrecondition: 9, ResourceExhausted: 8 } as const;

/** Temporal's messages, per status, and the limit each one means (Temporal Server 1.29). */
const LIMIT_MESSAGES: ReadonlyArray<{ code: number; pattern: RegExp; limit: TemporalLimit }> = [
  { code: GrpcStatus.InvalidArgument, pattern: /exceeded workflow execution limit for signal events/i, limit: TemporalLimit.SignalsPerExecution },
  { code: GrpcStatus.InvalidArgument, pattern: /blob data size exceeds limit/i, limit: TemporalLimit.BlobSize },
  { code: GrpcStatus.FailedPrecondition, pattern: /limit on the total number of distinct updates/i, limit: TemporalLimit.UpdatesPerExecution },
  { code: GrpcStatus.ResourceExhausted, pattern: /in-flight updates|concurrent in-flight|updates in flight/i, limit: TemporalLimit.UpdatesInFlight },
  { code: GrpcStatus.ResourceExhausted, pattern: /message larger than max|received message larger/i, limit: TemporalLimit.BlobSize },
  { code: GrpcStatus.ResourceExhausted, pattern: /./, limit: TemporalLimit.Busy },
];

/** The gRPC error in `error` or its causes (the SDK wraps them in `ServiceError`s). */
function grpcErrorOf(error: unknown): { code: number; details: string } | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth += 1) {
    if (isGrpcServiceError(current)) return { code: current.code, details: current.details || current.message };
    if (!(current instanceof ServiceError) && current.cause === undefined) return undefined;
    current = current.cause;
  }
  return undefined;
}

/** Which Temporal limit `error` reports, with the server's message, if it reports one. */
export function temporalLimitOf(error: unknown): { limit: TemporalLimit; message: string } | undefined {
  const grpc = grpcErrorOf(error);
  if (grpc === undefined) return undefined;
  const match = LIMIT_MESSAGES.find((m) => m.code === grpc.code && m.pattern.test(grpc.details));
  return match === undefined ? undefined : { limit: match.limit, message: grpc.details };
}

/** The problem for a Temporal limit `error` reports (`extensions` say what was asked), or undefined. */
export function temporalLimitProblem(error: unknown, extensions: Record<string, unknown> = {}): TemporalLimitReached | undefined {
  const found = temporalLimitOf(error);
  return found === undefined ? undefined : new TemporalLimitReached(found.limit, found.message, extensions, error);
}
