/**
 * Polling for eventually-true conditions (visibility is eventually consistent, processes take time).
 */
import { setTimeout as sleep } from 'node:timers/promises';

export interface WaitForOptions {
  timeoutMs?: number;
  intervalMs?: number;
  /** Names the condition in the timeout error. */
  what?: string;
}

type Found<T> = Exclude<T, false | null | undefined>;

/**
 * Calls `fn` until it returns a value other than `false`, `null` or `undefined` without throwing,
 * and resolves with that value; on timeout rejects with the last error (or value) seen.
 */
export async function waitFor<T>(fn: () => T | Promise<T>, options: WaitForOptions = {}): Promise<Found<T>> {
  const { timeoutMs = 10_000, intervalMs = 100, what = 'condition' } = options;
  const deadline = Date.now() + timeoutMs;
  let last: string;
  for (;;) {
    try {
      const value = await fn();
      if (value !== false && value !== null && value !== undefined) return value as Found<T>;
      last = `returned ${String(value)}`;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    if (Date.now() >= deadline) throw new Error(`timed out after ${timeoutMs}ms waiting for ${what}: ${last}`);
    await sleep(intervalMs);
  }
}
