/**
 * The correlated side of a `wait` task (docs/design.md §9): its `correlate` template gives the key;
 * while its gate is open the task is registered in the mailbox of (wait_for, key), which wakes it
 * with a `taskResume` update when an event comes (or at once with an event kept from before). When
 * the gate closes, for whatever reason, the task withdraws from the mailbox.
 */
import { CancellationScope, getExternalWorkflowHandle, proxyActivities } from '@temporalio/workflow';
import type { CadenzaActivities } from '../activities';
import type { WaitTask } from '../definitions/schema';
import { renderTemplate } from '../definitions/templates';
import { withdrawWaiterSignal } from './mailbox-messages';
import type { TaskRun } from './task-run';

/** Longest correlation key (characters). */
export const MAX_CORRELATION_KEY = 256;

/** A `correlate` value that is not a usable key. */
export class CorrelationKeyError extends Error {
  override readonly name = 'CorrelationKeyError';
}

const { registerCorrelatedWait } = proxyActivities<CadenzaActivities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '200ms', maximumInterval: '5s' },
});

/** The key of a correlated wait, from its inbound context; throws a `TemplateError` or `CorrelationKeyError`. */
export function correlationKey(task: WaitTask & { correlate: string }, run: TaskRun): string {
  const value = renderTemplate(task.correlate, run.inboundContext, 'correlate');
  const key = typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : undefined;
  if (key === undefined || key.length === 0 || key.length > MAX_CORRELATION_KEY) {
    throw new CorrelationKeyError(`correlate: must give a non-empty string of at most ${MAX_CORRELATION_KEY} characters, got ${JSON.stringify(value)?.slice(0, 100) ?? 'nothing'}`);
  }
  return key;
}

/**
 * Registers the waiting run in its mailbox; the function returned withdraws it (call it once the gate
 * closed). Neither is cancelled with the branch: a cancelled wait must still withdraw.
 */
export function registerCorrelation(executionId: string, run: TaskRun, name: string, key: string, expiresAt: string | null): () => Promise<void> {
  const registered = CancellationScope.nonCancellable(() =>
    registerCorrelatedWait({ name, key, registration: { execution_id: executionId, task_id: run.taskId, task_exec_id: run.taskExecId, expires_at: expiresAt } }),
  );
  registered.catch(() => undefined);
  return () =>
    CancellationScope.nonCancellable(async () => {
      try {
        const { mailbox_id } = await registered;
        await getExternalWorkflowHandle(mailbox_id).signal(withdrawWaiterSignal, { task_exec_id: run.taskExecId });
      } catch {
        // The mailbox has ended: nothing waits there any more.
      }
    });
}
