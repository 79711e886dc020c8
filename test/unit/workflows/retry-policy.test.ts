/**
 * The interpreter's retry policy: Temporal's RetryPolicy semantics, task over workflow over defaults.
 */
import { DEFAULT_RETRY, effectiveRetryPolicy, retryDelayMs } from '../../../src/workflows/retry-policy';

describe('effectiveRetryPolicy', () => {
  it('uses the defaults when neither the task nor the workflow says anything', () => {
    expect(effectiveRetryPolicy(undefined, undefined)).toEqual({ ...DEFAULT_RETRY, nonRetryableErrors: [] });
  });

  it('takes the task field over the workflow field, field by field', () => {
    const policy = effectiveRetryPolicy({ maximum_attempts: 5 }, { maximum_attempts: 2, initial_interval: '200ms', backoff_coefficient: 3 });
    expect(policy).toMatchObject({ maximumAttempts: 5, initialIntervalMs: 200, backoffCoefficient: 3 });
  });

  it('caps at 100 × the initial interval unless maximum_interval says otherwise', () => {
    expect(effectiveRetryPolicy({ initial_interval: '50ms' }, undefined).maximumIntervalMs).toBe(5000);
    expect(effectiveRetryPolicy({ initial_interval: '50ms' }, { maximum_interval: '1s' }).maximumIntervalMs).toBe(1000);
  });

  it('joins the non-retryable error types of workflow and task', () => {
    expect(effectiveRetryPolicy({ non_retryable_errors: ['Declined'] }, { non_retryable_errors: ['Fraud'] }).nonRetryableErrors).toEqual(['Fraud', 'Declined']);
  });
});

describe('retryDelayMs', () => {
  const policy = effectiveRetryPolicy({ initial_interval: '100ms', backoff_coefficient: 2, maximum_interval: '500ms' }, undefined);

  it('grows by the coefficient after each failed attempt and stops at the maximum', () => {
    expect([1, 2, 3, 4, 5].map((n) => retryDelayMs(policy, n))).toEqual([100, 200, 400, 500, 500]);
  });

  it('stays flat with a coefficient of 1', () => {
    const flat = effectiveRetryPolicy({ initial_interval: '50ms', backoff_coefficient: 1 }, undefined);
    expect([1, 2, 3].map((n) => retryDelayMs(flat, n))).toEqual([50, 50, 50]);
  });
});
