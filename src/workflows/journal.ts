/**
 * The execution journal (docs/design.md §6): every state change, in order, kept in workflow state so it is
 * deterministic (rebuilt identically on replay) and answerable by query after the execution closed.
 */
import { uuid4 } from '@temporalio/workflow';
import type { EventsPage } from './contracts';
import type { EventType, JournalEvent } from './events';

export interface JournalEntry {
  type: EventType;
  task_id?: string;
  task_exec_id?: string;
  attempt?: number;
  actor?: string;
  data?: Record<string, unknown>;
  /** When the change happened, if not now (e.g. an attempt's start reported by the worker). */
  time?: string;
}

const DEFAULT_PAGE = 500;
const MAX_PAGE = 1000;

/** The journal of one execution. */
export class Journal {
  private readonly events: JournalEvent[] = [];

  constructor(
    private readonly executionId: string,
    private readonly workflowId: string,
    /** Called with every appended event (the worker's publishing sink). */
    private readonly onAppend: (event: JournalEvent) => void = () => undefined,
  ) {}

  append(entry: JournalEntry): JournalEvent {
    const event: JournalEvent = {
      id: uuid4(),
      seq: this.events.length + 1,
      type: entry.type,
      time: entry.time ?? new Date().toISOString(),
      execution_id: this.executionId,
      workflow_id: this.workflowId,
      ...(entry.task_id !== undefined && { task_id: entry.task_id }),
      ...(entry.task_exec_id !== undefined && { task_exec_id: entry.task_exec_id }),
      ...(entry.attempt !== undefined && { attempt: entry.attempt }),
      ...(entry.actor !== undefined && { actor: entry.actor }),
      data: entry.data ?? {},
    };
    this.events.push(event);
    this.onAppend(event);
    return event;
  }

  get lastSeq(): number {
    return this.events.length;
  }

  /** Events after `args.after` (a seq), at most `args.limit` (`EventsQueryArgs`); anything else reads as the defaults. */
  page(args: unknown = {}): EventsPage {
    const { after: rawAfter, limit: rawLimit } = (typeof args === 'object' && args !== null ? args : {}) as { after?: unknown; limit?: unknown };
    const after = Math.max(0, Math.floor(finiteOr(rawAfter, 0)));
    const limit = Math.min(MAX_PAGE, Math.max(1, Math.floor(finiteOr(rawLimit, DEFAULT_PAGE))));
    // seq n lives at index n-1, so "after" is the start index.
    const events = this.events.slice(after, after + limit);
    return { events, last_seq: this.lastSeq, has_more: after + events.length < this.events.length };
  }
}

function finiteOr(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}
