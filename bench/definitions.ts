/**
 * The definitions the bench registers (through `PUT /api/v1/workflows/{id}`).
 */
import type { Definition } from '../src/definitions/schema';
import { MARK_TOOL_ID } from './activity-starts';

/** A breakpoint before the timed task: resumed with `POST /executions/{id}/resume` (mode continue). */
export const breakpointDefinition: Definition = {
  id: 'bench-breakpoint',
  version: 1,
  tasks: [{ id: 'mark', type: 'basic', tool: MARK_TOOL_ID, pause_before: true }],
};

/** An approval gate, then the timed task. */
export const approvalDefinition: Definition = {
  id: 'bench-approval',
  version: 1,
  tasks: [
    { id: 'approve', type: 'approval', on_approve: { next: 'mark' }, on_reject: { next: 'mark' } },
    { id: 'mark', type: 'basic', tool: MARK_TOOL_ID },
  ],
};

/** A wait task woken by TaskResume, then the timed task. */
export const waitDefinition: Definition = {
  id: 'bench-wait',
  version: 1,
  tasks: [
    { id: 'wait', type: 'wait', wait_for: 'bench-go', on_success: { next: 'mark' } },
    { id: 'mark', type: 'basic', tool: MARK_TOOL_ID },
  ],
};

/**
 * Three `echo` tasks in a line, each reading the previous output: the overhead bench's workload. As
 * ordinary activities (`local: false`), the same as the raw baseline's.
 */
export const linearDefinition: Definition = {
  id: 'bench-linear',
  version: 1,
  tasks: [
    { id: 'one', type: 'basic', tool: 'echo', local: false, with: { value: '{{ input.value }}' }, on_success: { next: 'two' } },
    { id: 'two', type: 'basic', tool: 'echo', local: false, with: { value: '{{ tasks.one.output.value }}' }, on_success: { next: 'three' } },
    { id: 'three', type: 'basic', tool: 'echo', local: false, with: { value: '{{ tasks.two.output.value }}' } },
  ],
};

/** How a chain's tasks run: ordinary activities, local activities, or `set` tasks (no activity). */
export type ChainKind = 'plain' | 'local' | 'set';

/** Chain lengths of the chain bench. */
export const CHAIN_LENGTHS: readonly number[] = [3, 10, 40];

/** Id of the chain definition of `kind` with `tasks` tasks. */
export function chainId(kind: ChainKind, tasks: number): string {
  return `bench-chain-${kind}-${tasks}`;
}

/** `tasks` tasks in a line, each reading the previous one's output, run as `kind`. */
export function chainDefinition(kind: ChainKind, tasks: number): Definition {
  const ids = Array.from({ length: tasks }, (_, i) => `t${i + 1}`);
  return {
    id: chainId(kind, tasks),
    version: 1,
    tasks: ids.map((id, i) => {
      const value = i === 0 ? '{{ input.value }}' : `{{ tasks.${ids[i - 1]}.output.value }}`;
      const next = ids[i + 1] === undefined ? {} : { on_success: { next: ids[i + 1]! } };
      return kind === 'set' ? { id, type: 'set', values: { value }, ...next } : { id, type: 'basic', tool: 'echo', local: kind === 'local', with: { value }, ...next };
    }),
  };
}

const chainDefinitions = CHAIN_LENGTHS.flatMap((n) => (['plain', 'local', 'set'] as const).map((kind) => chainDefinition(kind, n)));

export const benchDefinitions: readonly Definition[] = [breakpointDefinition, approvalDefinition, waitDefinition, linearDefinition, ...chainDefinitions];
