/**
 * Registration of short tasks (docs/design.md §13): `local: true` basic tasks and `set` tasks, and
 * which basic tasks run locally.
 */
import fc from 'fast-check';
import { DefinitionError, type DefinitionIssue } from '../../../src/definitions/definition-error';
import {
  asksForLocalTasks,
  LOCAL_BUILTIN_TOOLS,
  LOCAL_WORKFLOW_TASK_TIMEOUT,
  localityOf,
  localStartOptions,
  localTimeoutMs,
  MAX_LOCAL_TASK_TIMEOUT_MS,
} from '../../../src/definitions/local-tasks';
import { validateDefinitionObject } from '../../../src/definitions/parse';
import type { BasicTask } from '../../../src/definitions/schema';
import { ToolRegistry } from '../../../src/activities/tools/registry';
import { defineTool } from '../../../src/activities/tools/tool';
import { z } from 'zod';

function issuesOf(tasks: unknown[]): readonly DefinitionIssue[] {
  try {
    validateDefinitionObject({ id: 'short', version: 1, tasks });
    return [];
  } catch (error) {
    if (error instanceof DefinitionError) return error.issues;
    throw error;
  }
}

describe('local tasks at registration', () => {
  it('accepts local: true within the limits', () => {
    expect(issuesOf([{ id: 'a', type: 'basic', tool: 'http', local: true, timeout: '10s', with: { url: 'http://x' } }])).toEqual([]);
  });

  it('refuses a heartbeat timeout: a local task cannot heartbeat across workflow tasks', () => {
    expect(issuesOf([{ id: 'a', type: 'basic', tool: 'echo', local: true, heartbeat_timeout: '5s' }])).toEqual([
      { path: 'tasks[0].heartbeat_timeout', message: expect.stringContaining('cannot heartbeat across workflow tasks') },
    ]);
  });

  it('refuses an attempt longer than the maximum', () => {
    expect(issuesOf([{ id: 'a', type: 'basic', tool: 'echo', local: true, timeout: '11s' }])).toEqual([
      { path: 'tasks[0].timeout', message: expect.stringContaining('at most 10s per attempt (got 11s)') },
    ]);
  });

  it('refuses a local field that is not a boolean', () => {
    expect(issuesOf([{ id: 'a', type: 'basic', tool: 'echo', local: 'yes' }]).map((i) => i.path)).toEqual(['tasks[0].local']);
  });

  it('finds refusals inside parallel branches too', () => {
    const issues = issuesOf([{ id: 'p', type: 'parallel', branches: [{ id: 'b', tasks: [{ id: 'a', type: 'basic', tool: 'echo', local: true, timeout: '1h' }] }] }]);
    expect(issues.map((i) => i.path)).toEqual(['tasks[0].branches[0].tasks[0].timeout']);
  });

  it('property: local: true is accepted exactly when the timeout fits and there is no heartbeat timeout', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 120_000 }), fc.boolean(), (ms, heartbeat) => {
        const issues = issuesOf([{ id: 'a', type: 'basic', tool: 'echo', local: true, timeout: `${ms}ms`, ...(heartbeat && { heartbeat_timeout: '1s' }) }]);
        expect(issues.length === 0).toBe(ms <= MAX_LOCAL_TASK_TIMEOUT_MS && !heartbeat);
      }),
    );
  });
});

describe('which basic tasks run locally', () => {
  const task = (fields: Partial<BasicTask>): BasicTask => ({ id: 'a', type: 'basic', tool: 'echo', ...fields });

  it('local: true and local: false decide; otherwise a tool that declares itself local, when the task fits', () => {
    expect(localityOf(task({ tool: 'http', local: true }))).toBe('local');
    expect(localityOf(task({ local: false }))).toBe('plain');
    expect(localityOf(task({}))).toBe('tool_default');
    expect(localityOf(task({ tool: 'http' }))).toBe('plain');
    // A task that does not fit a local activity stays an ordinary one.
    expect(localityOf(task({ timeout: '1m' }))).toBe('plain');
    expect(localityOf(task({ heartbeat_timeout: '5s' }))).toBe('plain');
  });

  it('caps the attempt of a local task without its own timeout at the maximum', () => {
    expect(localTimeoutMs(task({ timeout: '2s' }), '5m')).toBe(2000);
    expect(localTimeoutMs(task({}), '5m')).toBe(MAX_LOCAL_TASK_TIMEOUT_MS);
    expect(localTimeoutMs(task({}), '3s')).toBe(3000);
    expect(localTimeoutMs(task({}), undefined)).toBe(MAX_LOCAL_TASK_TIMEOUT_MS);
  });

  it('starts an execution with the short workflow task timeout when any task, in a branch too, says local: true', () => {
    const plain = task({ local: false });
    const parallel = (inner: BasicTask) => ({ id: 'p', type: 'parallel' as const, branches: [{ id: 'b', tasks: [plain, { ...inner, id: 'c' }] }] });
    expect(localStartOptions({ tasks: [plain] })).toEqual({});
    // echo runs locally by its own declaration, in microseconds: nothing to interrupt, Temporal's timeout stays.
    expect(localStartOptions({ tasks: [plain, task({ id: 'e' })] })).toEqual({});
    expect(localStartOptions({ tasks: [plain, task({ id: 'e', local: true })] })).toEqual({ workflowTaskTimeout: LOCAL_WORKFLOW_TASK_TIMEOUT });
    expect(localStartOptions({ tasks: [parallel(task({ tool: 'http', local: true }))] as never })).toEqual({ workflowTaskTimeout: LOCAL_WORKFLOW_TASK_TIMEOUT });
    expect(localStartOptions({ tasks: [parallel(task({ tool: 'http' }))] as never })).toEqual({});
    expect(asksForLocalTasks({ tasks: [{ id: 's', type: 'set', values: { a: 1 } }] as never })).toBe(false);
  });

  it('knows the built-in tools that declare themselves local, as the registry does', () => {
    const registry = ToolRegistry.withBuiltins();
    const declared = registry.ids().filter((id) => registry.get(id)?.local === true);
    expect(declared).toEqual([...LOCAL_BUILTIN_TOOLS].sort());
  });

  it('refuses a user tool that declares itself local (workflow code could not know it)', () => {
    const tool = defineTool({ id: 'mine', input: z.unknown(), local: true, run: (input) => Promise.resolve(input) });
    expect(() => ToolRegistry.withBuiltins([tool])).toThrow(/only built-in tools may; set local: true on the tasks/);
  });
});

describe('set tasks at registration', () => {
  it('accepts values with templates, and checks their expressions', () => {
    expect(issuesOf([{ id: 's', type: 'set', values: { total: '{{ input.a + 1 }}', fixed: 3, nested: { x: ['{{ input.b }}'] } } }])).toEqual([]);
    expect(issuesOf([{ id: 's', type: 'set', values: { bad: '{{ nope.a }}' } }])).toEqual([{ path: 'tasks[0].values.bad', message: expect.stringContaining('unknown variable "nope"') }]);
    expect(issuesOf([{ id: 's', type: 'set', values: { bad: '{{ tasks.ghost.output }}' } }])).toEqual([{ path: 'tasks[0].values.bad', message: expect.stringContaining('unknown task "ghost"') }]);
  });

  it('refuses no values, values that are not an object, and activity fields', () => {
    expect(issuesOf([{ id: 's', type: 'set', values: {} }]).map((i) => i.message)).toEqual([expect.stringContaining('at least one value')]);
    expect(issuesOf([{ id: 's', type: 'set', values: ['a'] }]).map((i) => i.path)).toEqual(['tasks[0].values']);
    expect(issuesOf([{ id: 's', type: 'set' }]).map((i) => i.path)).toEqual(['tasks[0].values']);
    const fields = issuesOf([{ id: 's', type: 'set', values: { a: 1 }, timeout: '1s', heartbeat_timeout: '1s', retry: { maximum_attempts: 2 } }]);
    expect(fields.map((i) => i.path)).toEqual(['tasks[0].timeout', 'tasks[0].heartbeat_timeout', 'tasks[0].retry']);
    expect(fields[0]?.message).toContain('with no activity');
    expect(issuesOf([{ id: 's', type: 'set', values: { a: 1 }, tool: 'echo' }]).length).toBe(1);
  });
});
