/**
 * `Mailbox` (src/workflows/mailbox-state.ts): property test over random interleavings of events,
 * registrations, withdrawals and gates closing by other means, with a model of the waiting tasks
 * (each takes at most one event, through an idempotent delivery). Checked: no wait is resumed twice,
 * no event applies twice to one wait, and an event is never lost (it resumed a wait or is kept until
 * a wait takes it); a repeated id changes nothing and answers the first outcome.
 */
import fc from 'fast-check';
import type { DeliveryOutcome, DeliveryRequest } from '../../../src/workflows/mailbox-messages';
import { Mailbox } from '../../../src/workflows/mailbox-state';

type Op =
  | { kind: 'event'; id: number }
  | { kind: 'register'; wait: number }
  | { kind: 'withdraw'; wait: number }
  | { kind: 'closeGate'; wait: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('event' as const), id: fc.integer({ min: 0, max: 8 }) }),
  fc.record({ kind: fc.constant('register' as const), wait: fc.integer({ min: 0, max: 5 }) }),
  fc.record({ kind: fc.constant('withdraw' as const), wait: fc.integer({ min: 0, max: 5 }) }),
  fc.record({ kind: fc.constant('closeGate' as const), wait: fc.integer({ min: 0, max: 5 }) }),
);

it('pairs events and waits exactly once, losing none', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(opArb, { maxLength: 40 }), async (ops) => {
      const mailbox = new Mailbox('shipped', 'k');
      /** Gates: open until resumed (by an event) or closed another way. */
      const gates = new Map<string, { open: boolean; taken: string | null }>();
      const applied: Array<{ event: string; wait: string }> = [];
      const firstAnswer = new Map<string, unknown>();
      const send = (request: DeliveryRequest): Promise<DeliveryOutcome> => {
        const gate = gates.get(request.task_exec_id);
        if (gate === undefined || !gate.open) return Promise.resolve('gone');
        gate.open = false;
        gate.taken = request.event.id;
        applied.push({ event: request.event.id, wait: request.task_exec_id });
        return Promise.resolve('applied');
      };
      let now = 0;
      for (const op of ops) {
        now += 10;
        if (op.kind === 'event') {
          const id = `e${op.id}`;
          const answer = await mailbox.deliver({ id, name: 'shipped', key: 'k', payload: { id }, keep_ms: 1_000_000 }, now, send);
          if (firstAnswer.has(id)) {
            expect(answer.duplicate).toBe(true);
            expect({ resumed: answer.resumed, kept: answer.kept }).toEqual(firstAnswer.get(id));
          } else {
            expect(answer.duplicate).toBe(false);
            firstAnswer.set(id, { resumed: answer.resumed, kept: answer.kept });
            // Not lost: it resumed someone, or it is kept.
            expect(answer.resumed.length > 0 || answer.kept).toBe(true);
          }
        } else {
          const wait = `w${op.wait}`;
          if (op.kind === 'register') {
            if (gates.has(wait)) continue; // a task execution waits once
            gates.set(wait, { open: true, taken: null });
            await mailbox.register({ execution_id: 'x', task_id: 't', task_exec_id: wait, expires_at: null }, now, send);
          } else if (op.kind === 'withdraw') {
            mailbox.withdraw(wait);
            const gate = gates.get(wait);
            if (gate !== undefined) gate.open = false;
          } else {
            const gate = gates.get(wait);
            if (gate !== undefined) gate.open = false;
          }
        }
      }
      // Each wait took at most one event; each event applied to a wait at most once.
      const byWait = new Map<string, number>();
      for (const a of applied) byWait.set(a.wait, (byWait.get(a.wait) ?? 0) + 1);
      for (const count of byWait.values()) expect(count).toBe(1);
      const pairs = new Set(applied.map((a) => `${a.event}/${a.wait}`));
      expect(pairs.size).toBe(applied.length);
      // A kept event was taken by nobody; an event taken from the kept list is not kept any more.
      const kept = mailbox.snapshot().kept.map((k) => k.id);
      for (const id of kept) expect(applied.some((a) => a.event === id)).toBe(false);
      // A waiter still registered has its gate open (nothing waits in vain for an event that was kept).
      for (const w of mailbox.snapshot().waiters) expect(kept.length === 0 || !gates.get(w.task_exec_id)?.open).toBe(true);
    }),
    { numRuns: 300 },
  );
});

it('forgets kept events and ids when they expire, then is empty', async () => {
  const mailbox = new Mailbox('shipped', 'k');
  const send = (): Promise<DeliveryOutcome> => Promise.resolve('gone');
  await mailbox.deliver({ id: 'a', name: 'shipped', key: 'k', payload: 1, keep_ms: 100 }, 0, send);
  expect(mailbox.nextExpiry()).toBe(100);
  expect(mailbox.empty).toBe(false);
  mailbox.sweep(100);
  expect(mailbox.empty).toBe(true);
  // keep_ms 0: nothing kept, nothing remembered.
  const answer = await mailbox.deliver({ id: 'b', name: 'shipped', key: 'k', payload: 1, keep_ms: 0 }, 200, send);
  expect(answer).toEqual({ resumed: [], kept: false, duplicate: false });
  expect(mailbox.empty).toBe(true);
});
