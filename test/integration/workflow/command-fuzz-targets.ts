/**
 * The executions the command fuzz bombards (command-fuzz.test.ts): between them every kind of gate is
 * open — a failed task paused by `on_error`, approvals with approvers and a decision schema, waits with
 * `wait_for` and a condition, `pause_before` breakpoints, and a parallel task with gated branches. Each
 * ends on a `hold` wait released only after the fuzz, so valid commands move an execution but never end
 * it early. Task ids here are the ones `taskIds` in command-arbitraries.ts aims at.
 */
import type { ExecutionKind } from './command-arbitraries';

const hold = { id: 'hold', type: 'wait', wait_for: 'fuzz-release' };
const decisionGate = (id: string, next: string) => ({
  id,
  type: 'approval',
  approvers: { roles: ['finance'], users: ['carol'] },
  decision_schema: { type: 'object', properties: { note: { type: 'string' } }, additionalProperties: false },
  on_approve: { next },
  on_reject: { next },
});
const waitGate = (id: string, next: string, extra: Record<string, unknown> = {}) => ({ id, type: 'wait', wait_for: 'shipped', condition: 'signal.payload.carrier != ""', on_success: { next }, ...extra });
const breakpoint = (id: string, next: string) => ({ id, type: 'basic', tool: 'echo', with: { at: id }, pause_before: true, on_success: { next } });
const failing = (id: string, extra: Record<string, unknown> = {}) => ({ id, type: 'basic', tool: 'check', with: { ok: false }, retry: { maximum_attempts: 1 }, on_error: { pause: true }, ...extra });

/** Every kind of gate, and a last `hold` wait (released only after the fuzz) so no execution ends early. */
export const fuzzDefinitions: Record<ExecutionKind, Record<string, unknown>> = {
  repair: {
    tasks: [
      { id: 'prepare', type: 'basic', tool: 'echo', with: { ready: true }, on_success: { next: 'charge' } },
      failing('charge', { with: { ok: '{{ input.ok }}' }, on_success: { next: 'receipt' } }),
      { id: 'receipt', type: 'basic', tool: 'echo', with: { charged: '{{ tasks.charge.status }}' }, on_success: { next: 'hold' } },
      hold,
    ],
  },
  approval: { tasks: [decisionGate('approve-1', 'approve-2'), decisionGate('approve-2', 'approve-3'), decisionGate('approve-3', 'hold'), hold] },
  wait: {
    tasks: [
      waitGate('wait-1', 'wait-2'),
      waitGate('wait-2', 'wait-3', { resume_schema: { type: 'object', required: ['carrier'], properties: { carrier: { type: 'string' } } } }),
      waitGate('wait-3', 'hold'),
      hold,
    ],
  },
  breakpoint: {
    tasks: [{ id: 'step-1', type: 'basic', tool: 'echo', on_success: { next: 'step-2' } }, breakpoint('step-2', 'step-3'), breakpoint('step-3', 'step-4'), breakpoint('step-4', 'hold'), hold],
  },
  parallel: {
    tasks: [
      {
        id: 'fan',
        type: 'parallel',
        on_success: { next: 'join' },
        branches: [
          { id: 'gated', tasks: [{ id: 'sign-off', type: 'approval', on_approve: { next: 'signed' } }, { id: 'signed', type: 'basic', tool: 'echo', with: { signed: true } }] },
          { id: 'repair', tasks: [failing('broken')] },
          { id: 'open', tasks: [{ id: 'free', type: 'basic', tool: 'echo', with: { free: true } }] },
        ],
      },
      { id: 'join', type: 'basic', tool: 'echo', with: { joined: true }, on_success: { next: 'hold' } },
      hold,
    ],
  },
};

/** The gates each execution holds before the fuzz starts. */
export const initialGates: Record<ExecutionKind, string[]> = {
  repair: ['task_failed:charge'],
  approval: ['approval_required:approve-1'],
  wait: ['waiting_for_signal:wait-1'],
  breakpoint: ['breakpoint:step-2'],
  parallel: ['approval_required:sign-off', 'task_failed:broken'],
};
