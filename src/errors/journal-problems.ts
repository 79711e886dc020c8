/**
 * Problems of reading an execution's journal across the runs of a long-lived execution
 * (docs/design.md §11). Transport-neutral like every `ApiProblem`.
 */
import { ApiProblem } from './problems';

/**
 * 410: the events asked for were in a run of a long-lived execution that Temporal no longer holds
 * (its namespace retention removed the closed run); the journal is readable after `available_after`.
 */
export class JournalSegmentExpired extends ApiProblem {
  constructor(executionId: string, runId: string, availableAfter: number) {
    super({
      status: 410,
      slug: 'journal_segment_expired',
      title: 'Journal events no longer available',
      detail:
        `events up to seq ${availableAfter} of execution "${executionId}" were kept by run ${runId}, which Temporal no longer holds ` +
        `(namespace retention); read on with after=${availableAfter}`,
      extensions: { execution_id: executionId, run_id: runId, available_after: availableAfter },
    });
  }
}
