/**
 * Probes for tests of gated executions: wait until the status or the journal shows something, and read
 * why an update was refused.
 */
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { StatusView } from '../../../src/workflows/contracts';
import type { EventType, JournalEvent } from '../../../src/workflows/events';
import { statusQuery } from '../../../src/workflows/messages';
import { waitFor } from '../harness';
import { journal } from './start-execution';

/** Resolves with the status once `predicate` holds. */
export function statusWhen(handle: WorkflowHandle, predicate: (s: StatusView) => boolean, what = 'status', timeoutMs = 15_000): Promise<StatusView> {
  return waitFor(
    async () => {
      const status = await handle.query(statusQuery);
      return predicate(status) ? status : undefined;
    },
    { timeoutMs, intervalMs: 25, what },
  );
}

/** Resolves once the execution is `paused`. */
export function paused(handle: WorkflowHandle, timeoutMs?: number): Promise<StatusView> {
  return statusWhen(handle, (s) => s.status === 'paused', 'status paused', timeoutMs);
}

/** Resolves with the first journal event of `type` (for `taskId`, when given). */
export function eventOf(handle: WorkflowHandle, type: EventType, taskId?: string, timeoutMs = 15_000): Promise<JournalEvent> {
  return waitFor(
    async () => (await journal(handle)).find((e) => e.type === type && (taskId === undefined || e.task_id === taskId)),
    { timeoutMs, intervalMs: 25, what: `${type}${taskId === undefined ? '' : ` of ${taskId}`}` },
  );
}

/** Why an update was refused: the failure type and details its validator (or handler) gave. */
export interface Refusal {
  type: string | undefined | null;
  message: string;
  details: Record<string, unknown>;
}

/** Awaits an update that must be refused and returns the refusal; fails the test when it succeeds. */
export async function refusal(update: Promise<unknown>): Promise<Refusal> {
  let result: unknown;
  try {
    result = await update;
  } catch (err) {
    if (!(err instanceof WorkflowUpdateFailedError)) throw err;
    const cause = err.cause;
    if (!(cause instanceof ApplicationFailure)) throw err;
    return { type: cause.type, message: cause.message, details: (cause.details?.[0] ?? {}) as Record<string, unknown> };
  }
  throw new Error(`the update was accepted: ${JSON.stringify(result)}`);
}

/** Counts journal events of `type`. */
export function count(events: JournalEvent[], type: EventType, taskId?: string): number {
  return events.filter((e) => e.type === type && (taskId === undefined || e.task_id === taskId)).length;
}
