/**
 * The catch-up (docs/design.md §6): sink calls are lost when a worker dies before publishing, so at worker
 * start and periodically the stream is compared with the journals of open and recently closed
 * executions (Temporal visibility), and what it lacks is republished through the publisher (in
 * order, deduplicated by message id). Cheap where it can be: an execution this process keeps up to
 * date, a closed one whose terminal event is in the stream, one whose Temporal history did not grow
 * since the last comparison, or an open one another worker bookmarked recently, costs no journal query.
 */
import type { EventsLog } from './events-log';
import type { Client } from '@temporalio/client';
import { INTERPRETER_WORKFLOW_TYPE } from '../workflows/contracts';
import type { BookmarkStore, EventPublisher } from './event-publisher';

export interface CatchUpOptions {
  client: Client;
  taskQueue: string;
  /** The workflow type whose executions are compared (default the interpreter; tests use their own). */
  workflowType?: string;
  publisher: EventPublisher;
  bookmarks: BookmarkStore;
  /** Ms between sweeps; 0: only the one at start. */
  intervalMs: number;
  /** How far back the sweep at start looks for closed executions (default 24 h). */
  startupWindowMs?: number;
  log?: EventsLog;
}

export interface SweepReport {
  examined: number;
  /** Executions handed to the publisher for a fill. */
  filled: number;
}

/** At most this many executions per sweep (newest first); the next sweep sees the rest. */
const MAX_PER_SWEEP = 10_000;

export class CatchUp {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<SweepReport> | undefined;
  private stopped = false;
  /** Until a start sweep succeeded, every sweep is one (nothing is skipped as recently bookmarked). */
  private startupDone = false;

  constructor(private readonly options: CatchUpOptions) {}

  /**
   * Runs the start sweep in the background once NATS is usable (`ready`), then one every
   * `intervalMs`; a failed start sweep is repeated as one.
   */
  start(ready: () => Promise<boolean>): void {
    void (async () => {
      while (!this.stopped && !(await ready())) {
        // Waiting for NATS; `ready` bounds each wait.
      }
      if (!this.stopped) await this.sweep().catch(() => undefined);
    })();
    if (this.options.intervalMs > 0) {
      this.timer = setInterval(() => void this.sweep().catch(() => undefined), this.options.intervalMs);
      this.timer.unref();
    }
  }

  stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    return this.running?.then(() => undefined, () => undefined) ?? Promise.resolve();
  }

  /** One sweep (a start sweep until one succeeded: it also re-examines executions bookmarked recently). */
  sweep(): Promise<SweepReport> {
    this.running ??= this.doSweep(!this.startupDone)
      .then((report) => {
        this.startupDone = true;
        return report;
      })
      .finally(() => (this.running = undefined));
    return this.running;
  }

  private async doSweep(startup: boolean): Promise<SweepReport> {
    const { client, publisher, bookmarks, intervalMs } = this.options;
    const now = Date.now();
    const window = startup ? (this.options.startupWindowMs ?? 24 * 3_600_000) : Math.max(3 * intervalMs, 60_000);
    const since = new Date(now - window).toISOString();
    // A run that continued as new is no execution of its own: the run after it reads its segment.
    const query =
      `WorkflowType = '${quoted(this.options.workflowType ?? INTERPRETER_WORKFLOW_TYPE)}' AND TaskQueue = '${quoted(this.options.taskQueue)}' ` +
      `AND (ExecutionStatus = 'Running' OR CloseTime > '${since}') AND ExecutionStatus != 'ContinuedAsNew'`;
    const report: SweepReport = { examined: 0, filled: 0 };
    try {
      for await (const info of client.workflow.list({ query })) {
        if (this.stopped || report.examined >= MAX_PER_SWEEP) break;
        report.examined++;
        const id = info.workflowId;
        if (publisher.isUpToDate(id)) continue;
        const closed = info.status.name !== 'RUNNING';
        const bookmark = await bookmarks.get(id);
        // Its terminal event is in the stream (by a live publisher or a fill): nothing more comes.
        if (closed && (bookmark?.final || bookmark?.closed)) continue;
        // Verified before, and nothing happened in Temporal since (in this run: a new run's history starts small again).
        if (bookmark?.history_length !== undefined && bookmark.history_length === info.historyLength && bookmark.run_id === info.runId) continue;
        // Another worker is publishing it right now: its own gap check covers it.
        if (!startup && !closed && bookmark !== undefined && now - Date.parse(bookmark.at) < intervalMs) continue;
        publisher.requestFill(id, closed, { historyLength: info.historyLength, runId: info.runId });
        report.filled++;
      }
    } catch (error) {
      this.options.log?.('warn', `NATS catch-up: sweep failed (${error instanceof Error ? error.message : String(error)}); the next one retries`);
      throw error;
    }
    if (report.filled > 0) this.options.log?.('info', `NATS catch-up: ${report.filled} of ${report.examined} executions checked against their journal`);
    return report;
  }
}

function quoted(value: string): string {
  return value.replace(/'/g, "\\'");
}
