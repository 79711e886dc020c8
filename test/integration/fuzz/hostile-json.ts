/**
 * fast-check arbitraries of hostile request bodies, shared by the REST and the NATS fuzz tests. Bodies
 * are generated as JSON *text*, never as objects: a 10,000-level object cannot be stringified, and an
 * object literal with a `__proto__` key would not hold that key at all.
 */
import fc from 'fast-check';

/** `[[[…]]]` or `{"a":{"a":…}}` nested `levels` deep. */
export function nestedText(levels: number, kind: 'array' | 'object' = 'array'): string {
  return kind === 'array' ? '['.repeat(levels) + ']'.repeat(levels) : '{"a":'.repeat(levels) + '0' + '}'.repeat(levels);
}

/** Depths around the limit (64) and far past it. */
const depthArb = fc.constantFrom(2, 63, 64, 65, 1_000, 3_000, 10_000);

/** Keys that are dangerous or confusing on plain JS objects. */
export const trickyKeys = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', '', ' ', 'a.b', '$ref', '\u0000'] as const;

/** Strings a parser or a log line might choke on. */
const nastyStringArb: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constantFrom('', ' ', '\u0000', '\ud800', '\udfff', '\u202e', '\ufeff', '😀'.repeat(50), '${jndi:ldap://x}', "'; DROP TABLE x; --", '{{ input }}', '../../etc/passwd', '%00', '\r\nX-Injected: 1'),
);

/** A JSON string literal; may carry escapes JSON.stringify never writes (lone surrogates). */
const stringLiteralArb: fc.Arbitrary<string> = fc.oneof(
  nastyStringArb.map((s) => JSON.stringify(s)),
  fc.constantFrom('"\\ud800"', '"\\udc00\\ud800"', '"\\u0000"', '"\\\\"'),
  fc.integer({ min: 1_000, max: 200_000 }).map((n) => JSON.stringify('x'.repeat(n))),
);

/** Numbers at the edges of JSON and of IEEE doubles. */
const numberLiteralArb: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('0', '-0', '1e999', '-1e999', '1e-999', '123456789012345678901234567890', '9007199254740993', '0.1', '-1', '2147483648', '1.5'),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => JSON.stringify(n)),
  fc.integer().map(String),
);

/** Objects whose keys are the tricky ones, holding small values (a prototype swap would take them). */
const trickyObjectArb: fc.Arbitrary<string> = fc
  .uniqueArray(fc.constantFrom(...trickyKeys), { minLength: 1, maxLength: 3 })
  .chain((keys) =>
    fc
      .tuple(...keys.map(() => fc.constantFrom('{"polluted":true}', '{"prototype":{"polluted":true}}', '1', 'null', '[]')))
      .map((values) => `{${keys.map((k, i) => `${JSON.stringify(k)}:${values[i]}`).join(',')}}`),
  );

/** Any one hostile JSON value, as text. */
export const hostileValueArb: fc.Arbitrary<string> = fc.letrec<{ value: string }>((tie) => ({
  value: fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom('null', 'true', 'false', '[]', '{}', '[null]', '[{}]', '""') },
    { weight: 3, arbitrary: stringLiteralArb },
    { weight: 3, arbitrary: numberLiteralArb },
    { weight: 2, arbitrary: trickyObjectArb },
    { weight: 3, arbitrary: fc.tuple(depthArb, fc.constantFrom('array' as const, 'object' as const)).map(([n, kind]) => nestedText(n, kind)) },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)) },
    { weight: 1, arbitrary: fc.array(tie('value'), { maxLength: 3 }).map((items) => `[${items.join(',')}]`) },
  ),
})).value;

/** Text that is not JSON at all. */
export const invalidJsonArb: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('{bad', '{"a":}', '}', '[1,]', "{'a':1}", 'NaN', 'undefined', '{"a":1}{"b":2}', '\ufeff\ufeff{}', '{"a":"\u0001"}', '{"a": 1,,}'),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 60 }).filter((s) => !isJson(s)),
  fc.jsonValue().map((v) => JSON.stringify({ v })).map((s) => s.slice(0, Math.max(1, s.length - 1))),
);

/**
 * A body meant to get past the parser and into the endpoint: an object with some of `fields`, each a
 * plausible value (from `plausible`) or a hostile one; with `oddKeys`, maybe unknown or tricky keys too.
 */
export function nearValidBodyArb(fields: readonly string[], plausible: Record<string, fc.Arbitrary<string>> = {}, oddKeys = true): fc.Arbitrary<string> {
  const oddKeyArb = fc.constantFrom(...trickyKeys, 'unknown_field');
  const fieldArb = fields.length === 0 ? oddKeyArb : oddKeys ? fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...fields) }, { weight: 1, arbitrary: oddKeyArb }) : fc.constantFrom(...fields);
  const valueArb = (key: string): fc.Arbitrary<string> => (Object.hasOwn(plausible, key) ? fc.oneof(plausible[key]!, plausible[key]!, hostileValueArb) : hostileValueArb);
  const entryArb = fieldArb.chain((key) => fc.tuple(fc.constant(key), valueArb(key)));
  return fc.uniqueArray(entryArb, { maxLength: 4, selector: ([key]) => key }).map((entries) => `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`);
}

/**
 * A whole body: the endpoint's fields only (most often, so the request reaches what is behind the
 * schema), with odd keys too, any hostile value, invalid JSON, or an empty one.
 */
export function hostileBodyArb(fields: readonly string[], plausible: Record<string, fc.Arbitrary<string>> = {}): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: fields.length === 0 ? 0 : 6, arbitrary: nearValidBodyArb(fields, plausible, false) },
    { weight: 2, arbitrary: nearValidBodyArb(fields, plausible) },
    { weight: 2, arbitrary: hostileValueArb },
    { weight: 1, arbitrary: invalidJsonArb },
    { weight: 1, arbitrary: fc.constantFrom('', ' ', '\n') },
  );
}

/** Bytes that are not UTF-8, inside an otherwise fine JSON object. */
export const invalidUtf8Arb: fc.Arbitrary<Buffer> = fc
  .constantFrom([0xff], [0xc3], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xe2, 0x82])
  .map((bad) => Buffer.concat([Buffer.from('{"reason":"'), Buffer.from(bad), Buffer.from('"}')]));

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
