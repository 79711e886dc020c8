/**
 * Measuring payloads as Temporal's JSON converter writes them (docs/design.md §11), in workflow code
 * without Node's Buffer: the UTF-8 length agrees with Buffer.byteLength for every string, lone
 * surrogates included, and `firstOversize` draws the line exactly at the limit.
 */
import fc from 'fast-check';
import { describeBytes, firstOversize, jsonByteLength, utf8Length } from '../../../src/workflows/payload-size';

const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));
const anyText = fc.string({ unit: fc.oneof(fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }), loneSurrogate, fc.constantFrom('\u0000', '"', '\\', '\u2028')) });

describe('utf8Length', () => {
  it('is Buffer.byteLength for any string', () => {
    fc.assert(fc.property(anyText, (text) => utf8Length(text) === Buffer.byteLength(text, 'utf8')), { numRuns: 2000 });
  });
});

describe('jsonByteLength', () => {
  it('is the UTF-8 length of the JSON text of any JSON value', () => {
    fc.assert(fc.property(fc.jsonValue(), (value) => jsonByteLength(value) === Buffer.byteLength(JSON.stringify(value), 'utf8')), { numRuns: 500 });
  });

  it('counts undefined as null and has no size for what JSON cannot write', () => {
    expect(jsonByteLength(undefined)).toBe(4);
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(jsonByteLength(cycle)).toBeUndefined();
    expect(jsonByteLength({ n: 10n })).toBeUndefined();
  });
});

describe('firstOversize', () => {
  it('passes a value of exactly the limit and names one a byte above it', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 20 }), fc.integer({ min: -2, max: 2 }), (prefix, delta) => {
        const limit = 200;
        const base = Buffer.byteLength(JSON.stringify({ t: prefix }), 'utf8');
        fc.pre(base <= limit + delta);
        const value = { t: prefix + 'a'.repeat(limit + delta - base) };
        const found = firstOversize([['small', 1], ['value', value], ['later', 'x'.repeat(1000)]], limit);
        expect(found).toEqual(delta > 0 ? { path: 'value', size_bytes: limit + delta, limit_bytes: limit } : { path: 'later', size_bytes: 1002, limit_bytes: limit });
      }),
    );
  });

  it('skips absent values', () => {
    expect(firstOversize([['a', undefined]], 0)).toBeUndefined();
  });
});

describe('describeBytes', () => {
  it.each([
    [524_288, '512 KiB'],
    [1_048_576, '1 MiB'],
    [1_572_864, '1536 KiB'],
    [1000, '1000 bytes'],
  ])('%i is %s', (bytes, text) => expect(describeBytes(bytes)).toBe(text));
});
