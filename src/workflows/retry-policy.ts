/**
 * Task retry policy with Temporal's RetryPolicy semantics, applied by the interpreter itself so that
 * every attempt, failure and scheduled retry is in the journal as it happens (see docs/decisions.md).
 */
import { msToNumber } from '@temporalio/common/lib/time';
import type { RetryPolicy } from '../definitions/schema';

export interface EffectiveRetryPolicy {
  maximumAttempts: number;
  initialIntervalMs: number;
  backoffCoefficient: number;
  maximumIntervalMs: number;
  nonRetryableErrors: readonly string[];
}

/** Cadenza's defaults when neither the task nor `config.retry` says otherwise. */
export const DEFAULT_RETRY: EffectiveRetryPolicy = {
  maximumAttempts: 3,
  initialIntervalMs: 1000,
  backoffCoefficient: 2,
  maximumIntervalMs: 100_000,
  nonRetryableErrors: [],
};

const ms = (v: string | undefined): number | undefined => (v === undefined ? undefined : msToNumber(v as Parameters<typeof msToNumber>[0]));

/** Merges the task's policy over the workflow default, field by field. */
export function effectiveRetryPolicy(task: RetryPolicy | undefined, workflow: RetryPolicy | undefined): EffectiveRetryPolicy {
  const initialIntervalMs = ms(task?.initial_interval) ?? ms(workflow?.initial_interval) ?? DEFAULT_RETRY.initialIntervalMs;
  return {
    maximumAttempts: task?.maximum_attempts ?? workflow?.maximum_attempts ?? DEFAULT_RETRY.maximumAttempts,
    initialIntervalMs,
    backoffCoefficient: task?.backoff_coefficient ?? workflow?.backoff_coefficient ?? DEFAULT_RETRY.backoffCoefficient,
    // Temporal's default maximum interval is 100x the initial interval.
    maximumIntervalMs: ms(task?.maximum_interval) ?? ms(workflow?.maximum_interval) ?? initialIntervalMs * 100,
    nonRetryableErrors: [...(workflow?.non_retryable_errors ?? []), ...(task?.non_retryable_errors ?? [])],
  };
}

/** Delay before the attempt that follows `failedAttempt` (1-based). */
export function retryDelayMs(policy: EffectiveRetryPolicy, failedAttempt: number): number {
  const delay = policy.initialIntervalMs * Math.pow(policy.backoffCoefficient, failedAttempt - 1);
  return Math.min(delay, policy.maximumIntervalMs);
}
