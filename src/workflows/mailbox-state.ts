/**
 * `Mailbox`: the state of one correlation mailbox (docs/design.md §9) and the rules that pair events
 * with waits. Pure logic over plain JSON; delivering goes through the `send` function it is given
 * (an activity in the workflow, a model in tests). Callers run one operation at a time.
 *
 * The rules: an event wakes every wait registered now (each wait takes one event); an event no wait
 * takes is kept until it expires; a wait that registers first takes the oldest kept event its
 * condition accepts. An event id is remembered as long as the event would be kept: the same id again
 * answers the first outcome and does nothing.
 */
import type {
  DeliveryOutcome,
  DeliveryRequest,
  InboundEvent,
  MailboxDelivery,
  MailboxSnapshot,
  ResumedWait,
  WaiterRegistration,
} from './mailbox-messages';

/** Delivers one event to one waiting task. */
export type SendEvent = (request: DeliveryRequest) => Promise<DeliveryOutcome>;

/** Most waiters and kept events one mailbox holds; past it the oldest kept event is dropped. */
export const MAX_MAILBOX_ENTRIES = 1000;

/** The waiters, kept events and remembered ids of one (name, key). */
export class Mailbox {
  private readonly state: MailboxSnapshot;

  constructor(name: string, key: string, snapshot?: MailboxSnapshot) {
    this.state = snapshot ?? { name, key, waiters: [], kept: [], seen: {} };
  }

  /** An event arrives at `now` (ms): wakes the waiters, or is kept. */
  async deliver(event: InboundEvent, now: number, send: SendEvent): Promise<MailboxDelivery> {
    this.sweep(now);
    const seen = this.state.seen[event.id];
    if (seen !== undefined) return { ...seen.outcome, duplicate: true };
    const body = { id: event.id, name: event.name, key: event.key, payload: event.payload };
    const resumed: ResumedWait[] = [];
    for (const waiter of [...this.state.waiters]) {
      const outcome = await send({ execution_id: waiter.execution_id, task_exec_id: waiter.task_exec_id, event: body });
      if (outcome === 'refused') continue;
      this.removeWaiter(waiter.task_exec_id);
      if (outcome === 'applied') resumed.push({ execution_id: waiter.execution_id, task_id: waiter.task_id, task_exec_id: waiter.task_exec_id });
    }
    const kept = resumed.length === 0 && event.keep_ms > 0;
    if (kept) {
      this.state.kept.push({ ...body, expires_at: now + event.keep_ms });
      if (this.state.kept.length > MAX_MAILBOX_ENTRIES) this.state.kept.shift();
    }
    const outcome = { resumed, kept };
    if (event.keep_ms > 0) this.state.seen[event.id] = { expires_at: now + event.keep_ms, outcome };
    return { ...outcome, duplicate: false };
  }

  /** A wait starts waiting at `now`: it takes a kept event, or waits for the next one. */
  async register(waiter: WaiterRegistration, now: number, send: SendEvent): Promise<void> {
    this.sweep(now);
    if (this.state.waiters.some((w) => w.task_exec_id === waiter.task_exec_id)) return;
    for (const event of [...this.state.kept]) {
      const { expires_at: _expires, ...body } = event;
      const outcome = await send({ execution_id: waiter.execution_id, task_exec_id: waiter.task_exec_id, event: body });
      if (outcome === 'refused') continue;
      // Taken, or the wait is gone already (resumed another way, cancelled): either way it waits no more.
      if (outcome === 'applied') this.state.kept = this.state.kept.filter((k) => k.id !== event.id);
      return;
    }
    const expiresMs = waiter.expires_at === null ? null : Date.parse(waiter.expires_at);
    this.state.waiters.push({ ...waiter, expires_ms: expiresMs !== null && Number.isFinite(expiresMs) ? expiresMs : null });
    if (this.state.waiters.length > MAX_MAILBOX_ENTRIES) this.state.waiters.shift();
  }

  /** A wait stopped waiting. */
  withdraw(taskExecId: string): void {
    this.removeWaiter(taskExecId);
  }

  /** Drops what expired by `now`: kept events, remembered ids, waiters whose gate timed out. */
  sweep(now: number): void {
    this.state.kept = this.state.kept.filter((k) => k.expires_at > now);
    this.state.waiters = this.state.waiters.filter((w) => w.expires_ms === null || w.expires_ms > now);
    for (const [id, seen] of Object.entries(this.state.seen)) if (seen.expires_at <= now) delete this.state.seen[id];
  }

  /** The next time (ms) something expires, if anything will. */
  nextExpiry(): number | undefined {
    const times = [
      ...this.state.kept.map((k) => k.expires_at),
      ...Object.values(this.state.seen).map((s) => s.expires_at),
      ...this.state.waiters.flatMap((w) => (w.expires_ms === null ? [] : [w.expires_ms])),
    ];
    return times.length === 0 ? undefined : Math.min(...times);
  }

  /** Nothing waits, nothing is kept, no id is remembered: the mailbox may end. */
  get empty(): boolean {
    return this.state.waiters.length === 0 && this.state.kept.length === 0 && Object.keys(this.state.seen).length === 0;
  }

  /** The state as JSON (the query, continue-as-new). */
  snapshot(): MailboxSnapshot {
    return this.state;
  }

  private removeWaiter(taskExecId: string): void {
    this.state.waiters = this.state.waiters.filter((w) => w.task_exec_id !== taskExecId);
  }
}
