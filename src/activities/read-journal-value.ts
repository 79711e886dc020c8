/**
 * The claim check of a continued execution (docs/design.md §11): a large task input or output that
 * an earlier run journaled is carried only as a reference (`ValueRef`), and read back here, when a
 * later task's templates need it, from the closed run's journal (its `events` query; Temporal
 * replays the closed run to answer it).
 */
import { ApplicationFailure } from '@temporalio/common';
import { Context } from '@temporalio/activity';
import type { ValueRef } from '../workflows/contracts';
import { eventsQuery } from '../workflows/messages';

/** What to read: the `data` member `field` of the journal event `ref` names. */
export interface JournalValueRequest {
  execution_id: string;
  ref: ValueRef;
  field: 'input' | 'output';
}

/** Reads one carried value back from the run that journaled it. */
export async function readJournalValue(request: JournalValueRequest): Promise<unknown> {
  const { execution_id: executionId, ref, field } = request;
  const handle = Context.current().client.workflow.getHandle(executionId, ref.run_id);
  const page = await handle.query(eventsQuery, { after: ref.seq - 1, limit: 1 });
  const event = page.events[0];
  if (event === undefined || event.seq !== ref.seq || !Object.hasOwn(event.data, field)) {
    throw ApplicationFailure.nonRetryable(`run ${ref.run_id} of execution ${executionId} holds no ${field} at seq ${ref.seq}`, 'JournalValueMissing');
  }
  return event.data[field];
}
