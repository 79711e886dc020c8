/**
 * Reads an execution's journal through `eventsQuery`: the source of truth the publisher fills gaps
 * from and the catch-up compares the stream with.
 */
import { type Client, QueryNotRegisteredError, WorkflowNotFoundError } from '@temporalio/client';
import type { EventsPage } from '../workflows/contracts';
import { eventsQuery } from '../workflows/messages';
import type { JournalReader } from './event-publisher';

/** A query waits for a worker; past this the read fails and is retried later. */
const QUERY_DEADLINE_MS = 10_000;

export class TemporalJournalReader implements JournalReader {
  constructor(private readonly client: Client) {}

  async read(executionId: string, after: number, limit: number): Promise<EventsPage | undefined> {
    try {
      return await this.client.withDeadline(Date.now() + QUERY_DEADLINE_MS, () =>
        this.client.workflow.getHandle(executionId).query(eventsQuery, { after, limit }),
      );
    } catch (error) {
      if (error instanceof WorkflowNotFoundError || error instanceof QueryNotRegisteredError) return undefined;
      throw error;
    }
  }
}
