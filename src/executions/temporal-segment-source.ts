/**
 * `SegmentSource` over Temporal: the current run of an execution answers `eventsQuery` through
 * `getHandle(id)`, a closed run through `getHandle(id, runId)` (Temporal replays it on a worker). Every
 * query is bounded by the worker deadline (`worker_unavailable` past it).
 */
import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import { isUnknownQuery } from '../temporal/query-errors';
import { ExecutionNotFound } from '../errors/problems';
import { DEFAULT_WORKER_DEADLINE_MS, withWorkerDeadline } from '../temporal/worker-deadline';
import { eventsQuery } from '../workflows/messages';
import { type SegmentAnswer, SegmentRunGone, type SegmentSource } from './journal-segments';

export class TemporalSegmentSource implements SegmentSource {
  constructor(
    private readonly client: Client,
    /** Bound of each query (ms). */
    private readonly deadlineMs: number = DEFAULT_WORKER_DEADLINE_MS,
  ) {}

  async read(executionId: string, runId: string | undefined, after: number, limit: number): Promise<SegmentAnswer> {
    const what = runId === undefined ? 'the events query' : `the events query of closed run ${runId}`;
    try {
      return await withWorkerDeadline(this.client, this.deadlineMs, what, () => this.client.workflow.getHandle(executionId, runId).query(eventsQuery, { after, limit }));
    } catch (error) {
      if (error instanceof WorkflowNotFoundError && runId !== undefined) throw new SegmentRunGone(runId);
      // A workflow that is not an interpreter (same id shape) has no `events` query.
      if (error instanceof WorkflowNotFoundError || isUnknownQuery(error)) throw new ExecutionNotFound(executionId);
      throw error;
    }
  }
}
