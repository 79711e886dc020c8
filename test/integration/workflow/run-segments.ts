/**
 * Reading an execution that continued as new (docs/design.md §11): its whole journal, segment by
 * segment back through `previous_run_id`, the history length of each run, and a flood of signals.
 */
import type { Client, WorkflowHandle } from '@temporalio/client';
import type { JournalEvent } from '../../../src/workflows/events';
import { eventsQuery } from '../../../src/workflows/messages';

/** Every journal event of every run, read segment by segment back through `previous_run_id`. */
export async function wholeJournal(client: Client, executionId: string): Promise<{ events: JournalEvent[]; runs: number }> {
  const segments: JournalEvent[][] = [];
  let runId: string | undefined;
  for (;;) {
    const handle = client.workflow.getHandle(executionId, runId);
    const head = await handle.query(eventsQuery, { after: 0, limit: 1 });
    const first = head.first_seq ?? 1;
    const segment: JournalEvent[] = [];
    let after = first - 1;
    for (;;) {
      const page = await handle.query(eventsQuery, { after, limit: 1000 });
      segment.push(...page.events);
      after = page.events.at(-1)?.seq ?? after;
      if (!page.has_more || page.events.length === 0) break;
    }
    segments.unshift(segment);
    if (!head.previous_run_id) break;
    runId = head.previous_run_id;
  }
  return { events: segments.flat(), runs: segments.length };
}

export function expectContinuousSeq(events: JournalEvent[]): void {
  expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
  expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
}

export async function historyLengths(client: Client, executionId: string): Promise<number[]> {
  const lengths: number[] = [];
  for await (const run of client.workflow.list({ query: `WorkflowId = '${executionId}'` })) lengths.push(run.historyLength);
  return lengths;
}

export async function sendSignals(handle: WorkflowHandle, n: number): Promise<void> {
  for (let i = 0; i < n; i += 25) {
    await Promise.all(
      Array.from({ length: Math.min(25, n - i) }, (_, j) =>
        // Refused commands (a pause with a wrong mode) and generic signals nothing waits for, mixed.
        (i + j) % 2 === 0 ? handle.signal('pause', { mode: 'sideways' }) : handle.signal(`noise-${(i + j) % 7}`, { n: i + j }),
      ),
    );
  }
}
