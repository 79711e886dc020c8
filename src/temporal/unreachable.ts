/**
 * Telling "the Temporal server cannot be reached" from every other failure of a client call, for the
 * services and both edges (a `503 temporal_unavailable` rather than a `500`).
 */
import { isGrpcServiceError, ServiceError } from '@temporalio/client';

/** gRPC status `UNAVAILABLE`. */
const GRPC_UNAVAILABLE = 14;

/** `UNAVAILABLE` from the Temporal frontend, bare or wrapped by the SDK. */
export function isTemporalUnreachable(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth += 1) {
    if (isGrpcServiceError(current) && (current.code as number) === GRPC_UNAVAILABLE) return true;
    if (!(current instanceof ServiceError) && !isGrpcServiceError(current)) return false;
    current = current.cause;
  }
  return false;
}
