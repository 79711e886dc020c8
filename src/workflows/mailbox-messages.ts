/**
 * Messages and shapes of the correlation mailbox (docs/design.md §9): one entity workflow per
 * (event name, correlation key) that pairs events with the correlated `wait` tasks waiting for them.
 * Plain JSON only: the whole state travels through continue-as-new.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';

/** Workflow type of the mailbox. */
export const MAILBOX_WORKFLOW_TYPE = 'cadenzaMailbox';

/** An event as it reaches a mailbox. */
export interface InboundEvent {
  /** Deduplication id: the same id twice resumes nothing new. */
  id: string;
  name: string;
  key: string;
  payload: unknown;
  /** How long the event is kept when no wait takes it, and its id remembered (ms). */
  keep_ms: number;
}

/** A wait resumed by an event. */
export interface ResumedWait {
  execution_id: string;
  task_id: string;
  task_exec_id: string;
}

/** What a mailbox did with an event. */
export interface MailboxDelivery {
  resumed: ResumedWait[];
  /** No wait took it: it is kept for the wait that comes (until it expires). */
  kept: boolean;
  /** The id was seen before: this is the first answer again, nothing was done. */
  duplicate: boolean;
}

/** A correlated wait task that waits now. */
export interface WaiterRegistration extends ResumedWait {
  /** When its gate times out (ISO time), or null. */
  expires_at: string | null;
}

/** What delivering an event to one waiting task did. */
export type DeliveryOutcome = 'applied' | 'gone' | 'refused';

/** The activity request that wakes one waiting task with an event. */
export interface DeliveryRequest {
  execution_id: string;
  task_exec_id: string;
  event: Omit<InboundEvent, 'keep_ms'>;
}

/** An event kept until a wait takes it. */
export interface KeptEvent extends Omit<InboundEvent, 'keep_ms'> {
  expires_at: number;
}

/** The state of a mailbox, as JSON. */
export interface MailboxSnapshot {
  name: string;
  key: string;
  waiters: Array<WaiterRegistration & { expires_ms: number | null }>;
  kept: KeptEvent[];
  /** Event ids seen, with the first answer and until when they are remembered. */
  seen: Record<string, { expires_at: number; outcome: Omit<MailboxDelivery, 'duplicate'> }>;
}

/** The mailbox's start input; a continued run carries its state. */
export interface MailboxInput {
  name: string;
  key: string;
  state?: MailboxSnapshot;
}

/** An event arrives (the API sends it with update-with-start). */
export const deliverEventUpdate = defineUpdate<MailboxDelivery, [event: InboundEvent]>('deliverEvent');

/** A correlated wait task starts waiting (sent with signal-with-start by an activity). */
export const registerWaiterSignal = defineSignal<[registration: WaiterRegistration]>('registerWaiter');

/** A correlated wait task stopped waiting (resumed some other way, timed out, cancelled). */
export const withdrawWaiterSignal = defineSignal<[withdrawal: { task_exec_id: string }]>('withdrawWaiter');

/** The mailbox's state: waiters, kept events, remembered ids. */
export const mailboxQuery = defineQuery<MailboxSnapshot>('mailbox');
