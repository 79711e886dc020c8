/**
 * Temporal's limit errors as problems (docs/design.md §11): the gRPC status and message Temporal Server
 * 1.29 answers (as reproduced in test/integration/api/temporal-limits.test.ts), bare or wrapped by the
 * SDK, each become a stable problem type; anything else is left alone.
 */
import { ServiceError } from '@temporalio/client';
import { temporalLimitOf, temporalLimitProblem } from '../../../src/temporal/temporal-limits';

/** A gRPC error as @grpc/grpc-js rejects with it, wrapped the way the SDK's client wraps it. */
function grpcError(code: number, details: string, wrap = true): Error {
  const grpc = Object.assign(new Error(`${code} ${details}`), { code, details, metadata: {} });
  return wrap ? new ServiceError('Failed to signal Workflow', { cause: grpc }) : grpc;
}

describe('temporalLimitOf', () => {
  it.each([
    [3, 'exceeded workflow execution limit for signal events', 'signal_limit_reached'],
    [3, 'Blob data size exceeds limit.', 'temporal_payload_too_large'],
    [9, 'The limit on the total number of distinct updates in this workflow has been reached (2000). Make sure any duplicate updates share an Update ID', 'update_limit_reached'],
    [8, 'limit on number of concurrent in-flight updates has been reached (10)', 'too_many_updates_in_flight'],
    [8, 'limit on total payload size of in-flight updates has been reached (20971520 bytes)', 'too_many_updates_in_flight'],
    [8, 'namespace rate limit exceeded', 'temporal_busy'],
  ])('code %i "%s" is %s', (code, message, limit) => {
    expect(temporalLimitOf(grpcError(code, message))).toEqual({ limit, message });
    expect(temporalLimitOf(grpcError(code, message, false))?.limit).toBe(limit);
  });

  it.each([
    ['another INVALID_ARGUMENT', grpcError(3, 'WorkflowId is not set on request.')],
    ['a FAILED_PRECONDITION of another kind', grpcError(9, 'Unable to perform workflow execution update due to Workflow Task in failed state.')],
    ['NOT_FOUND', grpcError(5, 'workflow execution already completed')],
    ['a plain error', new Error('exceeded workflow execution limit for signal events')],
    ['a non-error', 'exceeded workflow execution limit for signal events'],
  ])('%s is no limit', (_what, error) => {
    expect(temporalLimitOf(error)).toBeUndefined();
    expect(temporalLimitProblem(error)).toBeUndefined();
  });
});

describe('temporalLimitProblem', () => {
  it('is 409 for the per-execution caps, 429 with a retry hint for what passes, 413 for the blob limit', () => {
    const signal = temporalLimitProblem(grpcError(3, 'exceeded workflow execution limit for signal events'), { execution_id: 'e', command: 'signal' });
    expect(signal?.toDocument('/x')).toMatchObject({
      type: 'https://cadenza.dev/problems/signal_limit_reached',
      status: 409,
      execution_id: 'e',
      command: 'signal',
      temporal_limit: 'signal_limit_reached',
      detail: expect.stringMatching(/^Temporal: exceeded workflow execution limit for signal events; this run of the execution takes no more signals/),
    });
    expect(signal?.retryAfterSeconds).toBeUndefined();
    const inFlight = temporalLimitProblem(grpcError(8, 'limit on number of concurrent in-flight updates has been reached (10)'));
    expect({ status: inFlight?.status, retry: inFlight?.retryAfterSeconds }).toEqual({ status: 429, retry: 1 });
    expect(temporalLimitProblem(grpcError(3, 'Blob data size exceeds limit.'))?.status).toBe(413);
    expect(temporalLimitProblem(grpcError(8, 'x'.repeat(5000)))?.detail.length).toBeLessThan(500);
  });
});
