/**
 * `assertShallow`, the depth check of the registry's put validators: a definition nested deeper than
 * `MAX_PAYLOAD_DEPTH` is refused as `invalid_request` wherever the nesting is (tasks, schemas, any
 * field), without the check itself recursing; one within the bound passes.
 */
import fc from 'fast-check';
import { ApplicationFailure } from '@temporalio/common';
import { assertShallow } from '../../../src/workflows/definition-put-rules';
import { MAX_PAYLOAD_DEPTH } from '../../../src/workflows/payload-bounds';
import { RegistryFailureType } from '../../../src/workflows/registry-messages';

/** `depth` levels of arrays or objects around a scalar, built without recursion. */
function nested(depth: number, kinds: readonly ('array' | 'object')[]): unknown {
  let value: unknown = 'leaf';
  for (let i = 0; i < depth; i++) value = kinds[i % kinds.length] === 'array' ? [value] : { k: value };
  return value;
}
const request = (field: string, value: unknown) => ({ definition: { id: 'deep', tasks: [{ id: 'a', type: 'basic', tool: 'echo' }], [field]: value } });
const refusal = (fn: () => void): string | null => {
  try {
    fn();
    return null;
  } catch (err) {
    return err instanceof ApplicationFailure ? `${String(err.type)}: ${err.message}` : `unexpected ${String(err)}`;
  }
};
const kinds = fc.array(fc.constantFrom<'array' | 'object'>('array', 'object'), { minLength: 1, maxLength: 4 });
const field = fc.constantFrom('tasks', 'input_schema', 'description', 'x-anything');

it('refuses a definition nested deeper than the bound, wherever the nesting is', () => {
  fc.assert(
    fc.property(field, kinds, fc.integer({ min: MAX_PAYLOAD_DEPTH, max: 3 * MAX_PAYLOAD_DEPTH }), (name, shape, depth) => {
      // The definition object is one level more: `depth` levels in a field make `depth + 1`.
      expect(refusal(() => assertShallow(request(name, nested(depth, shape)) as never))).toBe(`${RegistryFailureType.InvalidRequest}: the definition is nested deeper than ${MAX_PAYLOAD_DEPTH} levels`);
    }),
  );
});

it('passes a definition within the bound', () => {
  fc.assert(
    fc.property(field, kinds, fc.integer({ min: 0, max: MAX_PAYLOAD_DEPTH - 1 }), (name, shape, depth) => {
      expect(refusal(() => assertShallow(request(name, nested(depth, shape)) as never))).toBeNull();
    }),
  );
});

it('measures a hostile nesting of 200,000 levels without overflowing the stack', () => {
  expect(refusal(() => assertShallow(request('tasks', nested(200_000, ['array', 'object'])) as never))).toMatch(/nested deeper than/);
});

it('leaves a request without a definition to the well-formedness checks', () => {
  for (const bad of [null, undefined, {}, { definition: 'x' }]) expect(refusal(() => assertShallow(bad as never))).toBeNull();
});
