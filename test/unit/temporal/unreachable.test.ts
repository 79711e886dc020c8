import { ServiceError } from '@temporalio/client';
import { isTemporalUnreachable } from '../../../src/temporal/unreachable';

/** An error shaped like @grpc/grpc-js's ServiceError, as the SDK throws it. */
function grpcError(code: number): Error {
  return Object.assign(new Error(`${code} grpc`), { code, details: 'grpc', metadata: {} });
}

describe('isTemporalUnreachable', () => {
  it('is true for UNAVAILABLE, bare or wrapped by the SDK', () => {
    expect(isTemporalUnreachable(grpcError(14))).toBe(true);
    expect(isTemporalUnreachable(new ServiceError('failed', { cause: grpcError(14) }))).toBe(true);
  });

  it('is false for other statuses, other errors and non-errors', () => {
    expect(isTemporalUnreachable(grpcError(5))).toBe(false);
    expect(isTemporalUnreachable(new ServiceError('failed', { cause: grpcError(4) }))).toBe(false);
    expect(isTemporalUnreachable(new Error('UNAVAILABLE'))).toBe(false);
    expect(isTemporalUnreachable(Object.assign(new Error('wrapped'), { cause: grpcError(14) }))).toBe(false);
    expect(isTemporalUnreachable('14 UNAVAILABLE')).toBe(false);
  });
});
