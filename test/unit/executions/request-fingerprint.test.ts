import fc from 'fast-check';
import { fingerprintRequest } from '../../../src/executions/request-fingerprint';
import { templateEnvSnapshot } from '../../../src/executions/template-env';

describe('fingerprintRequest', () => {
  it('ignores key order and undefined members', () => {
    expect(fingerprintRequest({ input: { a: 1, b: [1, { c: 2, d: 3 }] }, version: undefined })).toBe(
      fingerprintRequest({ input: { b: [1, { d: 3, c: 2 }], a: 1 } }),
    );
  });

  it('ignores key order for any JSON value (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.integer(), (value, seed) => {
        expect(fingerprintRequest({ input: reorderKeys(value, seed) })).toBe(fingerprintRequest({ input: value }));
      }),
      { numRuns: 500 },
    );
  });

  // Fingerprints are kept in memos of executions already started: they may never change. These pin
  // the two ways the canonical form differs from what stable-stringify packages produce (see
  // docs/decisions.md, "Canonical JSON of request fingerprints").
  it('keeps the fingerprints it issued: integer-like keys in numeric order, __proto__ members dropped', () => {
    const input = JSON.parse('{"b":1,"10":2,"2":3,"a":[{"z":"\\u00e9\\ud83d\\ude00","y":null}]}') as unknown;
    expect(fingerprintRequest({ input, version: 3 })).toBe('319b8331482539b4fb7e5a07d6a1703dfbd6992459c9d033d0a98a78b13fce14');
    const withProto = JSON.parse('{"__proto__":{"x":1},"a":1}') as unknown;
    expect(fingerprintRequest({ input: withProto })).toBe('d43e2a24507dfcc10f63bf2be35dddc68f7cc81be57ac92bab1596937ab00e43');
    expect(fingerprintRequest({ input: { a: 1 } })).toBe('d43e2a24507dfcc10f63bf2be35dddc68f7cc81be57ac92bab1596937ab00e43');
  });

  it('tells different requests apart', () => {
    expect(fingerprintRequest({ input: { a: 1 } })).not.toBe(fingerprintRequest({ input: { a: 2 } }));
    expect(fingerprintRequest({ input: {}, version: 1 })).not.toBe(fingerprintRequest({ input: {} }));
    expect(fingerprintRequest({ input: [1, 2] })).not.toBe(fingerprintRequest({ input: [2, 1] }));
  });
});

/** A deep copy of `value` whose objects have their keys inserted in another order. */
function reorderKeys(value: unknown, seed: number): unknown {
  if (Array.isArray(value)) return value.map((v) => reorderKeys(v, seed));
  if (value === null || typeof value !== 'object') return value;
  const keys = Object.keys(value);
  const shift = keys.length === 0 ? 0 : Math.abs(seed) % keys.length;
  const order = [...keys.slice(shift), ...keys.slice(0, shift)].reverse();
  const copy: Record<string, unknown> = {};
  for (const key of order) copy[key] = reorderKeys((value as Record<string, unknown>)[key], seed);
  return copy;
}

describe('templateEnvSnapshot', () => {
  it('copies only the allow-listed variables that are set', () => {
    expect(templateEnvSnapshot(['REGION', 'MISSING'], { REGION: 'eu', SECRET: 'x' })).toEqual({ REGION: 'eu' });
    expect(templateEnvSnapshot([], { REGION: 'eu' })).toEqual({});
  });
});
