/**
 * What the event publisher (`event-publisher.ts`) talks to, as interfaces: the transport (JetStream),
 * the bookmark store, the gate index and the journal reader, and its options. Production wires the
 * NATS implementations (`event-publishing.ts`); unit tests pass fakes.
 */
import type { EventsLog } from './events-log';
import type { JournalEvent } from '../workflows/events';

/** Where events go (JetStream in production, a fake in unit tests). */
export interface EventTransport {
  readonly usable: boolean;
  /** Resolves true once usable, false after `timeoutMs` (or when closed). */
  whenUsable(timeoutMs: number): Promise<boolean>;
  /** Resolves once the stream acknowledged it (a duplicate is acknowledged too); rejects otherwise. */
  publish(event: JournalEvent): Promise<void>;
}

/** The catch-up bookmark of one execution. */
export interface Bookmark {
  /** Every event up to this `seq` is in the stream. */
  seq: number;
  /** The execution's terminal event is among them. */
  closed: boolean;
  /** Set by the catch-up once it compared a closed execution's journal with the stream: nothing more will come. */
  final?: boolean;
  /**
   * The execution's Temporal history length when the catch-up last compared its journal with the
   * stream: while the history does not grow, no event was journaled since, and the catch-up skips it.
   */
  history_length?: number;
  /** The run `history_length` was seen in (an execution that continues as new has one history per run). */
  run_id?: string;
  /** ISO time of the write. */
  at: string;
}

export interface BookmarkStore {
  get(executionId: string): Promise<Bookmark | undefined>;
  put(executionId: string, bookmark: Bookmark): Promise<void>;
}

/** Finds the execution of a waiting task or pending approval from its `task_exec_id` (NATS task commands). */
export interface GateRecord {
  execution_id: string;
  workflow_id: string;
  task_id: string;
  kind: 'wait' | 'approval';
}

export interface GateIndex {
  put(taskExecId: string, record: GateRecord): Promise<void>;
}

/**
 * A page of an execution's journal, continuous in `seq` across its runs, never empty while `has_more`;
 * `undefined` when the execution does not exist (any more).
 */
export interface JournalReader {
  read(executionId: string, after: number, limit: number): Promise<{ events: JournalEvent[]; has_more: boolean } | undefined>;
}

export interface EventPublisherOptions {
  transport: EventTransport;
  bookmarks: BookmarkStore;
  gates?: GateIndex;
  journal: JournalReader;
  /** Most events held in memory in all (default 100 000). */
  maxBuffered?: number;
  /** Executions worked on at the same time (default 256). */
  concurrency?: number;
  /**
   * Least ms between two bookmark writes of one execution, and from its first event to its first
   * write (default 10 000). A closed execution is bookmarked at once. A stale bookmark only makes a
   * gap fill or the catch-up republish a little more, which the duplicate window drops.
   */
  bookmarkIntervalMs?: number;
  log?: EventsLog;
  /** Called after each acknowledged publish (the worker's publish-lag metric). */
  onPublished?: (event: JournalEvent) => void;
}
