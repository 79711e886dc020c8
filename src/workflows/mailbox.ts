/**
 * The correlation mailbox workflow (docs/design.md §9): one per (event name, correlation key), id
 * from `mailboxWorkflowId()`. Events arrive as an update (with start), correlated waits register and
 * withdraw by signal; `Mailbox` holds the state and the rules, and one operation runs at a time, so an
 * event and a wait that arrive together are paired exactly once. It ends when it holds nothing, and
 * continues as new when its history grows.
 */
import { allHandlersFinished, condition, continueAsNew, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { CadenzaActivities } from '../activities';
import {
  deliverEventUpdate,
  type InboundEvent,
  type MailboxInput,
  mailboxQuery,
  registerWaiterSignal,
  type WaiterRegistration,
  withdrawWaiterSignal,
} from './mailbox-messages';
import { Mailbox } from './mailbox-state';

/** History length past which the mailbox continues as new. */
const MAX_HISTORY = 2000;

/** How long an empty mailbox stays before it ends (ms). */
const IDLE_END_MS = 60_000;

const { deliverCorrelatedEvent } = proxyActivities<CadenzaActivities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '200ms', maximumInterval: '5s' },
});

/** Runs one mailbox until it holds nothing. */
export async function cadenzaMailbox(input: MailboxInput): Promise<void> {
  const mailbox = new Mailbox(input.name, input.key, input.state);
  let chain: Promise<unknown> = Promise.resolve();
  let busy = 0;
  /** One operation at a time, in arrival order. */
  const serially = <T>(op: () => Promise<T>): Promise<T> => {
    busy += 1;
    const next = chain.then(op).finally(() => {
      busy -= 1;
    });
    chain = next.catch(() => undefined);
    return next;
  };

  setHandler(deliverEventUpdate, (event: InboundEvent) => serially(() => mailbox.deliver(event, Date.now(), deliverCorrelatedEvent)), {
    validator: (event: InboundEvent) => {
      if (typeof event?.id !== 'string' || typeof event.keep_ms !== 'number') throw new Error('an event needs an id and keep_ms');
    },
  });
  setHandler(registerWaiterSignal, (registration: WaiterRegistration) => {
    void serially(() => mailbox.register(registration, Date.now(), deliverCorrelatedEvent));
  });
  setHandler(withdrawWaiterSignal, (withdrawal: { task_exec_id: string }) => {
    void serially(() => Promise.resolve(mailbox.withdraw(String(withdrawal?.task_exec_id))));
  });
  setHandler(mailboxQuery, () => mailbox.snapshot());

  const idle = () => busy === 0 && allHandlersFinished();
  const stirred = () => busy > 0 || workflowInfo().continueAsNewSuggested;
  for (;;) {
    const next = mailbox.nextExpiry();
    // Held things wake it when they expire; an empty mailbox ends after a quiet minute.
    const wakeIn = next !== undefined ? Math.max(1, next - Date.now()) : mailbox.empty ? IDLE_END_MS : undefined;
    const woken = wakeIn === undefined ? (await condition(stirred), true) : await condition(stirred, wakeIn);
    await condition(idle);
    mailbox.sweep(Date.now());
    if (!woken && mailbox.empty) return;
    if (workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > MAX_HISTORY) {
      await continueAsNew<typeof cadenzaMailbox>({ name: input.name, key: input.key, state: mailbox.snapshot() });
    }
  }
}
