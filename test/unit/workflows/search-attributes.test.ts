/**
 * `CadenzaAwaiting`: whom an execution's open approvals wait for, as the inbox filters on it.
 */
import fc from 'fast-check';
import { awaitingOf, MAX_AWAITING_BYTES } from '../../../src/workflows/search-attributes';
import { PauseReason } from '../../../src/workflows/states';

const approval = (approvers: { roles?: string[]; users?: string[] } | null) => ({ reason: PauseReason.ApprovalRequired, data: { approvers } });

describe('awaitingOf', () => {
  it('lists the roles and users of every open approval, sorted, each once', () => {
    const gates = [approval({ roles: ['finance'], users: ['carol'] }), approval({ roles: ['finance', 'audit'] })];
    expect(awaitingOf(gates)).toEqual(['role:audit', 'role:finance', 'user:carol']);
  });

  it('says anyone for an approval that names no approvers', () => {
    expect(awaitingOf([approval(null)])).toEqual(['anyone']);
    expect(awaitingOf([approval({ roles: [], users: [] })])).toEqual(['anyone']);
    expect(awaitingOf([approval({ users: ['bob'] }), approval({})])).toEqual(['anyone', 'user:bob']);
  });

  it('ignores gates that are not approvals', () => {
    const others = [PauseReason.WaitingForSignal, PauseReason.TaskFailed, PauseReason.Breakpoint].map((reason) => ({ reason, data: { approvers: { roles: ['x'] } } }));
    expect(awaitingOf(others)).toEqual([]);
    expect(awaitingOf([])).toEqual([]);
  });

  it('never exceeds what Temporal takes as a search attribute value, whatever the approvers', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ roles: fc.array(fc.string({ maxLength: 300, unit: 'binary' })), users: fc.array(fc.string({ maxLength: 300, unit: 'grapheme' })) }), { maxLength: 20 }), (approvers) => {
        const value = awaitingOf(approvers.map((a) => approval(a)));
        expect(Buffer.byteLength(JSON.stringify(value), 'utf8')).toBeLessThanOrEqual(MAX_AWAITING_BYTES);
        expect([...value].sort()).toEqual(value);
      }),
    );
  });
});
