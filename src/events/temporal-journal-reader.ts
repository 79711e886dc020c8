/**
 * Reads an execution's journal for the publisher's gap fills and the catch-up: the source of truth the
 * stream is compared with. Across continue-as-new runs through the segmented journal
 * (`src/executions/journal-segments.ts`), whose cache keeps the closed runs' pages.
 */
import type { Client } from '@temporalio/client';
import { ExecutionNotFound } from '../errors/problems';
import { JournalSegmentExpired } from '../errors/journal-problems';
import { type JournalPage, SegmentedJournal } from '../executions/journal-segments';
import { TemporalSegmentSource } from '../executions/temporal-segment-source';
import type { JournalReader } from './event-publisher';
import type { EventsLog } from './events-log';

/** A query waits for a worker; past this the read fails and is retried later. */
const QUERY_DEADLINE_MS = 10_000;

export interface TemporalJournalReaderOptions {
  /** Bytes of closed-run pages cached (default `SegmentedJournal`'s). */
  cacheBytes?: number;
  log?: EventsLog;
}

export class TemporalJournalReader implements JournalReader {
  private readonly journal: SegmentedJournal;

  constructor(
    client: Client,
    private readonly options: TemporalJournalReaderOptions = {},
  ) {
    this.journal = new SegmentedJournal({
      source: new TemporalSegmentSource(client, QUERY_DEADLINE_MS),
      ...(options.cacheBytes === undefined ? {} : { cacheBytes: options.cacheBytes }),
    });
  }

  /** The page after `after`; undefined when the execution does not exist. Events lost to retention are skipped (and logged). */
  async read(executionId: string, after: number, limit: number): Promise<JournalPage | undefined> {
    try {
      return await this.journal.page(executionId, after, limit);
    } catch (error) {
      if (error instanceof ExecutionNotFound) return undefined;
      if (!(error instanceof JournalSegmentExpired)) throw error;
      const availableAfter = Number(error.extensions.available_after);
      this.options.log?.('warn', `NATS events: ${error.detail}; publishing goes on after seq ${availableAfter}`);
      return this.read(executionId, Math.max(after, availableAfter), limit);
    }
  }
}
