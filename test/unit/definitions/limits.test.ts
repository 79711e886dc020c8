/**
 * Limits the definition language puts on values that end up where Temporal has limits of its own: a
 * version beyond exact integers, approvers too large for the CadenzaAwaiting search attribute.
 */
import { DefinitionError } from '../../../src/definitions/definition-error';
import { AWAITING_LIMIT_BYTES } from '../../../src/definitions/awaiting-size';
import { validateDefinitionObject } from '../../../src/definitions/parse';
import { MAX_DEFINITION_VERSION } from '../../../src/definitions/schema';

function issuesOf(definition: unknown): Array<{ path: string; message: string }> {
  try {
    validateDefinitionObject(definition);
  } catch (error) {
    if (error instanceof DefinitionError) return [...error.issues];
    throw error;
  }
  return [];
}

const approval = (id: string, approvers: unknown) => ({ id, type: 'approval', approvers });

it('takes versions up to MAX_DEFINITION_VERSION, so latest + 1 stays an exact integer', () => {
  const tasks = [{ id: 'e', type: 'basic', tool: 'echo' }];
  expect(issuesOf({ id: 'v', version: MAX_DEFINITION_VERSION, tasks })).toEqual([]);
  expect(issuesOf({ id: 'v', version: Number.MAX_SAFE_INTEGER, tasks })).toEqual([{ path: 'version', message: expect.any(String) }]);
});

it('bounds each approver name to 128 characters', () => {
  expect(issuesOf({ id: 'a', tasks: [approval('ok', { users: ['u'.repeat(129)] })] })).toEqual([{ path: 'tasks[0].approvers.users[0]', message: expect.any(String) }]);
});

it('refuses approvers that, across every approval task, overflow the CadenzaAwaiting attribute', () => {
  const names = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${String(i).padStart(3, '0')}-${'x'.repeat(100)}`);
  // Each approval fits on its own; the two of them open in parallel branches would not.
  const branch = (id: string, users: string[]) => ({ id, tasks: [approval(`${id}-ok`, { users })] });
  const definition = { id: 'p', tasks: [{ id: 'both', type: 'parallel', branches: [branch('left', names('l', 10)), branch('right', names('r', 10))] }] };
  expect(issuesOf(definition)).toEqual([{ path: 'tasks[0].branches[1].tasks[0].approvers', message: expect.stringContaining(`Temporal allows ${AWAITING_LIMIT_BYTES}`) }]);
  expect(issuesOf({ ...definition, tasks: [{ ...definition.tasks[0], branches: [branch('left', names('l', 10)), branch('right', names('l', 10))] }] })).toEqual([]);
});
