/**
 * One step of an agent loop as one activity (docs/design.md §8): a model call or a tool call, with
 * the task's timeout, heartbeat timeout and retry policy (Temporal retries the call itself, so a 429
 * or 5xx is retried and a 4xx, marked non-retryable, is not). An immediate pause interrupts the step,
 * which the loop dispatches again once the pause is lifted.
 */
import { ActivityCancellationType, CancellationScope, isCancellation, proxyActivities } from '@temporalio/workflow';
import { msToNumber } from '@temporalio/common/lib/time';
import type { RetryPolicy } from '@temporalio/common';
import type { CadenzaActivities } from '../activities';
import type { BasicTask, WorkflowConfig } from '../definitions/schema';
import { EventType } from './events';
import { effectiveRetryPolicy } from './retry-policy';
import type { TaskHost } from './task-host';
import type { TaskRun } from './task-run';
import { wellFormed } from './well-formed';

const DEFAULT_CALL_TIMEOUT = '5m';
const DEFAULT_HEARTBEAT_TIMEOUT = '30s';

/** How a step ended: done with a value, or interrupted by an immediate pause (to be dispatched again). */
export type StepOutcome<T> = { kind: 'done'; value: T } | { kind: 'interrupted' };

/** The activities of one agent run, each step under its own readable activity id. */
export class AgentSteps {
  private readonly timeout: string;
  private readonly heartbeatTimeout: string | undefined;
  private readonly retry: RetryPolicy;

  constructor(
    private readonly host: TaskHost,
    private readonly run: TaskRun,
    task: BasicTask,
    config: WorkflowConfig | undefined,
  ) {
    this.timeout = task.timeout ?? config?.task_timeout ?? DEFAULT_CALL_TIMEOUT;
    const heartbeat = task.heartbeat_timeout ?? config?.heartbeat_timeout ?? DEFAULT_HEARTBEAT_TIMEOUT;
    this.heartbeatTimeout = msToNumber(heartbeat) < msToNumber(this.timeout) ? heartbeat : undefined;
    const policy = effectiveRetryPolicy(task.retry, config?.retry);
    this.retry = {
      maximumAttempts: policy.maximumAttempts,
      initialInterval: policy.initialIntervalMs,
      backoffCoefficient: policy.backoffCoefficient,
      maximumInterval: policy.maximumIntervalMs,
      nonRetryableErrorTypes: [...policy.nonRetryableErrors],
    };
  }

  /** Readable in the Web UI: `classify`, or `classify#run2` for a re-run. */
  get prefix(): string {
    return `${this.run.taskId}${this.run.runNumber > 1 ? `#run${this.run.runNumber}` : ''}`;
  }

  /** The activities, proxied under `activityId` (made well-formed: ids come from the definition, see `wellFormed()`). */
  activities(activityId: string, summary: string): CadenzaActivities {
    return proxyActivities<CadenzaActivities>({
      activityId: wellFormed(activityId),
      summary,
      startToCloseTimeout: this.timeout,
      heartbeatTimeout: this.heartbeatTimeout,
      retry: this.retry,
      cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
    });
  }

  /**
   * Runs `step` once a manual pause lets it; an immediate pause interrupts it (journaled as a
   * cancelled step that will run again). Any other failure is thrown as it came.
   */
  async dispatch<T>(stepName: string, step: () => Promise<T>): Promise<StepOutcome<T>> {
    const { host, run } = this;
    await host.holdIfPaused(run.taskId, run.branch);
    const scope = new CancellationScope();
    const inFlight = host.trackAttempt(run, scope);
    try {
      return { kind: 'done', value: await scope.run(step) };
    } catch (err) {
      if (isCancellation(err) && inFlight.interruptedByPause) {
        host.journal.append({ type: EventType.TaskExecutionCancelled, task_id: run.taskId, task_exec_id: run.taskExecId, attempt: run.attempts, data: { reason: 'paused', will_rerun: true, step: stepName } });
        return { kind: 'interrupted' };
      }
      throw err;
    } finally {
      host.untrackAttempt(inFlight);
    }
  }
}
