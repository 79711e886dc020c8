/**
 * Refused commands under a flood (docs/design.md §11): the first `INDIVIDUAL_REFUSALS` of a run are
 * journaled one by one as `CommandRejected`; after that they are counted by command and refusal type
 * and journaled as one aggregate `CommandRejected` (`data.aggregated: true`) per `AGGREGATE_EVERY`,
 * and before the execution continues as new or closes. Nothing is lost from the audit, and a flood
 * cannot grow the journal by more than one event per `AGGREGATE_EVERY` refusals.
 */
import { EventType } from './events';
import type { Journal, JournalEntry } from './journal';

/** Refusals journaled one by one in each run. */
export const INDIVIDUAL_REFUSALS = 100;

/** Counted refusals per aggregate event. */
export const AGGREGATE_EVERY = 1000;

/** Refusals counted but not yet journaled, carried across runs. */
export interface RejectionTally {
  /** Count by `<command> <type>`. */
  counts: Record<string, number>;
  total: number;
  first_at: string | null;
  last_at: string | null;
}

/** The refusal journaling of one run. */
export class RejectionCounter {
  private individual = 0;
  private tally: RejectionTally;

  constructor(
    private readonly journal: Pick<Journal, 'append'>,
    carried?: RejectionTally,
  ) {
    this.tally = carried ?? emptyTally();
  }

  /** Journals `entry` (a CommandRejected for `command` refused as `type`), or counts it under a flood. */
  record(entry: JournalEntry, command: string, type: string): void {
    if (this.individual < INDIVIDUAL_REFUSALS) {
      this.individual++;
      this.journal.append(entry);
      return;
    }
    const now = new Date().toISOString();
    const key = `${command} ${type}`;
    this.tally.counts[key] = (this.tally.counts[key] ?? 0) + 1;
    this.tally.total++;
    this.tally.first_at ??= now;
    this.tally.last_at = now;
    if (this.tally.total >= AGGREGATE_EVERY) this.flush();
  }

  /** Journals the counted refusals as one aggregate event, if there are any. */
  flush(): void {
    if (this.tally.total === 0) return;
    const { counts, total, first_at, last_at } = this.tally;
    const by = Object.entries(counts).map(([key, count]) => {
      const [command, type] = key.split(' ');
      return { command, type, count };
    });
    this.journal.append({ type: EventType.CommandRejected, data: { aggregated: true, count: total, by, first_at, last_at } });
    this.tally = emptyTally();
  }

  /** The counted refusals, for the next run. */
  snapshot(): RejectionTally {
    return this.tally;
  }
}

function emptyTally(): RejectionTally {
  return { counts: {}, total: 0, first_at: null, last_at: null };
}
