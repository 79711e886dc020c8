import { evaluate } from '@marcbachmann/cel-js';
import { fromCelValue, toCelValue } from '../../../src/definitions/cel-values';

describe('toCelValue', () => {
  it('turns safe integers into BigInt and keeps other numbers as doubles', () => {
    expect(toCelValue(5)).toBe(5n);
    expect(toCelValue(-0)).toBe(0n);
    expect(toCelValue(1.5)).toBe(1.5);
    expect(toCelValue(2 ** 60)).toBe(2 ** 60);
  });

  it('converts nested objects and arrays, dropping undefined properties', () => {
    const converted = toCelValue({ a: [1, { b: 2.5, c: undefined }], s: 'x', t: true, n: null }) as Record<string, unknown>;
    expect(converted).toEqual({ a: [1n, { b: 2.5 }], s: 'x', t: true, n: null });
    expect(Object.getPrototypeOf(converted)).toBeNull();
  });

  it('keeps "__proto__" an ordinary key', () => {
    const json: unknown = JSON.parse('{"__proto__": {"polluted": 1}}');
    const converted = toCelValue(json) as Record<string, unknown>;
    expect(Object.keys(converted)).toEqual(['__proto__']);
    expect(evaluate('x["__proto__"].polluted + 1', { x: converted })).toBe(2n);
  });

  it('maps values JSON cannot hold to null', () => {
    expect(toCelValue(undefined)).toBeNull();
    expect(toCelValue([undefined])).toEqual([null]);
  });
});

describe('fromCelValue', () => {
  it('returns ints as numbers and keeps doubles, strings, booleans and null', () => {
    expect(fromCelValue(42n)).toBe(42);
    expect(fromCelValue(1.25)).toBe(1.25);
    expect(fromCelValue('s')).toBe('s');
    expect(fromCelValue(false)).toBe(false);
    expect(fromCelValue(null)).toBeNull();
  });

  it('converts CEL lists and maps deeply', () => {
    expect(fromCelValue(evaluate('{"a": [[1, 2], [3]], "b": [[4]]}'))).toEqual({ a: [[1, 2], [3]], b: [[4]] });
    expect(fromCelValue(evaluate('x', { x: { a: [1n, 2.5, { b: 'c' }] } }))).toEqual({ a: [1, 2.5, { b: 'c' }] });
    expect(fromCelValue(new Map<unknown, unknown>([[1n, 2n]]))).toEqual({ 1: 2 });
  });

  it('encodes bytes as base64', () => {
    expect(fromCelValue(evaluate('b"hello"'))).toBe('aGVsbG8=');
    expect(fromCelValue(new Uint8Array([255]))).toBe('/w==');
    expect(fromCelValue(new Uint8Array([]))).toBe('');
  });

  it('writes timestamps as ISO-8601, durations as seconds, uints as numbers and types as names', () => {
    expect(fromCelValue(evaluate('timestamp("2024-01-01T10:00:00Z")'))).toBe('2024-01-01T10:00:00.000Z');
    expect(fromCelValue(evaluate('duration("1h")'))).toBe('3600s');
    expect(fromCelValue(evaluate('duration("1.5s")'))).toBe('1.5s');
    expect(fromCelValue(evaluate('7u'))).toBe(7);
    expect(fromCelValue(evaluate('type(1)'))).toBe('int');
  });

  it('refuses results that have no JSON form', () => {
    expect(() => fromCelValue(Infinity)).toThrow('result Infinity cannot be represented in JSON');
    expect(() => fromCelValue(NaN)).toThrow('cannot be represented in JSON');
    expect(() => fromCelValue(new (class Thing {})())).toThrow('result of type Thing cannot be represented in JSON');
  });
});
