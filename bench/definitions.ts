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

/** Three `echo` tasks in a line, each reading the previous output: the overhead bench's workload. */
export const linearDefinition: Definition = {
  id: 'bench-linear',
  version: 1,
  tasks: [
    { id: 'one', type: 'basic', tool: 'echo', with: { value: '{{ input.value }}' }, on_success: { next: 'two' } },
    { id: 'two', type: 'basic', tool: 'echo', with: { value: '{{ tasks.one.output.value }}' }, on_success: { next: 'three' } },
    { id: 'three', type: 'basic', tool: 'echo', with: { value: '{{ tasks.two.output.value }}' } },
  ],
};

export const benchDefinitions: readonly Definition[] = [breakpointDefinition, approvalDefinition, waitDefinition, linearDefinition];
