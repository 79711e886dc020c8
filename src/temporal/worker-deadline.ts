/**
 * Queries and updates are answered by a worker, not by the Temporal server: with no worker polling,
 * the server waits for one. The services bound every such call so a client gets
 * `503 worker_unavailable` after a few seconds instead of a hanging request (docs/design.md §4).
 */
import { type Client, isGrpcCancelledError, isGrpcDeadlineError, isGrpcServiceError, WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import { TemporalUnavailable, WorkerUnavailable } from '../errors/problems';

/** Default bound of a query or update, in milliseconds. */
export const DEFAULT_WORKER_DEADLINE_MS = 5000;

/**
 * Runs `fn` (a query or update through `client`) with a deadline; a deadline hit becomes
 * `WorkerUnavailable` naming `what` was asked (or `TemporalUnavailable` when the server itself does
 * not answer a quick probe). Other errors pass through unchanged.
 *
 * An update that timed out here may still be applied later when a worker appears: retrying with the
 * same request is safe for the registry's puts (an identical version is a no-op).
 */
export async function withWorkerDeadline<T>(client: Client, timeoutMs: number, what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await client.withDeadline(Date.now() + timeoutMs, fn);
  } catch (error) {
    if (isDeadlineHit(error)) {
      // Tell "Temporal is down" from "no worker answered": only the second is the worker's fault.
      if (!(await temporalAnswers(client))) throw new TemporalUnavailable('the Temporal server cannot be reached', error);
      throw new WorkerUnavailable(`no worker answered ${what} within ${timeoutMs} ms; is a Cadenza worker polling the task queue?`, {
        timeout_ms: timeoutMs,
      });
    }
    // The last workflow task failed or timed out (its worker died): Temporal retries it; so can the caller.
    if (isWorkflowTaskFailed(error)) throw new WorkerUnavailable(`${what}: the execution's last workflow task failed or timed out (a worker stopped?); Temporal retries it, retry shortly`, { timeout_ms: timeoutMs });
    throw error;
  }
}

/**
 * Runs `fn` (calls the server answers itself: visibility, describe) with a deadline; a deadline hit
 * becomes `TemporalUnavailable` naming `what` did not answer.
 */
export async function withServerDeadline<T>(client: Client, timeoutMs: number, what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await client.withDeadline(Date.now() + timeoutMs, fn);
  } catch (error) {
    if (isDeadlineHit(error)) throw new TemporalUnavailable(`${what} did not answer within ${timeoutMs} ms`, error);
    throw error;
  }
}

const PROBE_DEADLINE_MS = 1000;

async function temporalAnswers(client: Client): Promise<boolean> {
  try {
    await client.withDeadline(Date.now() + PROBE_DEADLINE_MS, () => client.workflowService.getSystemInfo({}));
    return true;
  } catch {
    return false;
  }
}

function isDeadlineHit(error: unknown): boolean {
  // Inside `withDeadline` a CANCELLED status is the deadline too (the SDK cancels the long poll).
  return error instanceof WorkflowUpdateRPCTimeoutOrCancelledError || isGrpcDeadlineError(error) || isGrpcCancelledError(error);
}

/** gRPC FAILED_PRECONDITION "Unable to query workflow due to Workflow Task in failed state", as the client wraps it. */
function isWorkflowTaskFailed(error: unknown): boolean {
  const cause = error instanceof Error ? error.cause : undefined;
  return [error, cause].some((e) => isGrpcServiceError(e) && Number(e.code) === GRPC_FAILED_PRECONDITION && /workflow task in failed state/i.test(e.details || e.message));
}

/** gRPC status code FAILED_PRECONDITION. */
const GRPC_FAILED_PRECONDITION = 9;
