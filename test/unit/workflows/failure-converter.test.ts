/**
 * `WellFormedFailureConverter`: whatever text an error carries (lone surrogates anywhere in its
 * message, type or causes), the failure it becomes has only well-formed strings, so protobuf can
 * encode it as UTF-8; well-formed text, surrogate pairs included, comes through unchanged.
 */
import fc from 'fast-check';
import { ApplicationFailure, defaultPayloadConverter, type ProtoFailure } from '@temporalio/common';
import { failureConverter, makeWellFormed } from '../../../src/workflows/failure-converter';

/** No lone surrogate: under the `u` flag a pair is one code point, only a lone half is `Cs`. */
const wellFormed = (text: string) => !/\p{Cs}/u.test(text);

/** Every string in a failure and its causes. */
function stringsOf(failure: ProtoFailure): string[] {
  const found: string[] = [];
  const stack: unknown[] = [failure];
  while (stack.length > 0) {
    const node = stack.pop();
    if (typeof node === 'string') found.push(node);
    else if (node !== null && typeof node === 'object' && !(node instanceof Uint8Array)) stack.push(...Object.values(node));
  }
  return found;
}

// Text mixing lone high and low surrogates, pairs and plain characters.
const text = fc.string({ unit: fc.oneof(fc.constantFrom('\ud800', '\udfff', '\ud83d\ude00', 'é'), fc.string({ minLength: 1, maxLength: 1 })), maxLength: 40 });

it('turns any error into a failure with only well-formed strings', () => {
  fc.assert(
    fc.property(text, text, text, fc.array(text, { maxLength: 4 }), (message, type, detail, causes) => {
      let cause: Error | undefined;
      for (const c of causes) cause = ApplicationFailure.create({ message: c, type: c, cause });
      const err = ApplicationFailure.create({ message, type, details: [detail], cause });
      const failure = failureConverter.errorToFailure(err, defaultPayloadConverter);
      expect(stringsOf(failure).filter((s) => !wellFormed(s))).toEqual([]);
      expect(failure.message).toBe((message as string & { toWellFormed(): string }).toWellFormed());
      // Details stay a payload, untouched: JSON writes a lone surrogate as a `\u` escape, valid UTF-8.
      const back = failureConverter.failureToError(failure, defaultPayloadConverter) as ApplicationFailure;
      expect(back.details?.[0]).toBe(detail);
    }),
  );
});

it('keeps well-formed text, surrogate pairs included, as it is', () => {
  const failure = failureConverter.errorToFailure(ApplicationFailure.create({ message: 'ok 😀 é', type: 'Fine' }), defaultPayloadConverter);
  expect([failure.message, failure.applicationFailureInfo?.type]).toEqual(['ok 😀 é', 'Fine']);
});

it('replaces each lone surrogate with U+FFFD, in place, leaving bytes alone', () => {
  const bytes = new Uint8Array([0xed, 0xa0, 0x80]);
  const failure: ProtoFailure = { message: 'x\ud800y\udfffz', cause: { message: '\udc00', encodedAttributes: { data: bytes } } };
  expect(makeWellFormed(failure)).toBe(failure);
  expect([failure.message, failure.cause?.message]).toEqual(['x\ufffdy\ufffdz', '\ufffd']);
  expect(failure.cause?.encodedAttributes?.data).toBe(bytes);
});
