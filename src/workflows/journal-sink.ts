/**
 * Hands every new journal event to the worker (a Temporal sink), which publishes it (NATS, SSE).
 * Sinks are not called during replay, so an event leaves the workflow once per worker that appended
 * it; the journal stays the source of truth and a catch-up republishes what the stream lacks.
 */
import { proxySinks, type Sinks } from '@temporalio/workflow';
import type { JournalEvent } from './events';

export interface CadenzaSinks extends Sinks {
  journal: {
    /** A journal event was appended (in `seq` order per execution). */
    appended(event: JournalEvent): void;
  };
}

const { journal } = proxySinks<CadenzaSinks>();

export function publishToSink(event: JournalEvent): void {
  journal.appended(event);
}
