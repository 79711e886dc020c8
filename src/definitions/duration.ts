/**
 * Durations in definitions use Temporal's own string format (`ms` syntax: `500ms`, `30s`, `48h`, `7d`),
 * so a value that works here works everywhere Temporal takes a duration.
 */
import { msToNumber } from '@temporalio/common/lib/time';
import { z } from 'zod';

/** Parses a duration string to milliseconds; `undefined` when it is not a valid positive duration. */
export function parseDuration(value: string): number | undefined {
  try {
    const ms = msToNumber(value as Parameters<typeof msToNumber>[0]);
    return Number.isFinite(ms) && ms > 0 ? ms : undefined;
  } catch {
    return undefined;
  }
}

export const DurationSchema = z
  .string()
  .refine((v) => parseDuration(v) !== undefined, { message: 'must be a positive duration such as "500ms", "30s", "48h" or "7d"' });
