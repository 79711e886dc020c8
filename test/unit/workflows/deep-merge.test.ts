/**
 * Deep merge of resume context patches into a task's inbound context.
 */
import { deepMerge } from '../../../src/workflows/deep-merge';

describe('deepMerge', () => {
  it('merges nested objects key by key and keeps what the patch does not name', () => {
    const base = { input: { ok: false, value: 'v1', keep: { me: true } }, tasks: { a: { output: 1 } } };
    expect(deepMerge(base, { input: { ok: true, keep: { also: 2 } } })).toEqual({
      input: { ok: true, value: 'v1', keep: { me: true, also: 2 } },
      tasks: { a: { output: 1 } },
    });
  });

  it('replaces arrays, scalars and null instead of merging them', () => {
    expect(deepMerge({ list: [1, 2, 3], n: 1, o: { a: 1 }, s: { a: 1 } }, { list: [9], n: { now: 'object' }, o: null, s: 'scalar' })).toEqual({
      list: [9],
      n: { now: 'object' },
      o: null,
      s: 'scalar',
    });
    expect(deepMerge({ o: [1, 2] }, { o: { 0: 'x' } })).toEqual({ o: { 0: 'x' } });
  });

  it('adds new keys, at any depth', () => {
    expect(deepMerge({ a: { b: {} } }, { a: { b: { c: { d: 1 } } }, e: 2 })).toEqual({ a: { b: { c: { d: 1 } } }, e: 2 });
  });

  it('mutates neither argument, and shares nothing it merged', () => {
    const base = { a: { b: 1 }, untouched: { x: 1 } };
    const patch = { a: { c: 2 } };
    const merged = deepMerge(base, patch);
    expect(base).toEqual({ a: { b: 1 }, untouched: { x: 1 } });
    expect(patch).toEqual({ a: { c: 2 } });
    expect(merged.a).not.toBe(base.a);
    expect(merged.a).not.toBe(patch.a);
  });

  it('an empty patch is a copy', () => {
    const base = { a: 1 };
    const merged = deepMerge(base, {});
    expect(merged).toEqual(base);
    expect(merged).not.toBe(base);
  });
});
