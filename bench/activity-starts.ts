/**
 * The `bench-mark` tool and where it records when it starts: the resume-latency bench stops its clock
 * at the moment the next task's activity begins, on the same process clock as the client that sent
 * the resume (worker, API and bench client share one process, as under `npm start`).
 */
import { z } from 'zod';
import { defineTool, type Tool } from '../src/activities/tools/tool';

/** Tool id the bench definitions use for the task whose start is timed. */
export const MARK_TOOL_ID = 'bench-mark';

interface Waiter {
  resolve(at: number): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

/** Activity start times by execution id, and promises for starts that have not happened yet. */
export class ActivityStarts {
  private readonly started = new Map<string, number>();
  private readonly waiters = new Map<string, Waiter>();
  private count = 0;

  /** Called by the tool: `Date.now()` when the activity began. */
  record(executionId: string, at: number): void {
    this.count++;
    const waiter = this.waiters.get(executionId);
    if (waiter) {
      this.waiters.delete(executionId);
      clearTimeout(waiter.timer);
      waiter.resolve(at);
      return;
    }
    this.started.set(executionId, at);
  }

  /** Resolves with the start time of the mark activity of `executionId` (already recorded or still to come). */
  next(executionId: string, timeoutMs: number): Promise<number> {
    const at = this.started.get(executionId);
    if (at !== undefined) {
      this.started.delete(executionId);
      return Promise.resolve(at);
    }
    return new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(executionId);
        reject(new Error(`the mark activity of ${executionId} did not start within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.set(executionId, { resolve, reject, timer });
    });
  }

  /** How many mark activities have started since the bench began. */
  get total(): number {
    return this.count;
  }

  /** Resolves once `total` mark activities have started since the bench began; rejects after `timeoutMs`. */
  async reach(total: number, timeoutMs: number, label: string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.count < total) {
      if (Date.now() > deadline) throw new Error(`${label}: ${this.count} of ${total} mark activities started within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** Forgets starts nobody asked for (e.g. after a scale round that only counts them). */
  clear(): void {
    this.started.clear();
  }
}

/** The tool: records its start and returns at once, so the measured span ends where the task begins. */
export function markTool(starts: ActivityStarts): Tool {
  return defineTool({
    id: MARK_TOOL_ID,
    description: 'Benchmark probe: records when the activity started.',
    input: z.unknown(),
    run: (_input, ctx) => {
      starts.record(ctx.execution_id, Date.now());
      return Promise.resolve({ ok: true });
    },
  });
}
