/**
 * Idempotent execution ids are derived by the `uuid` package now; an `Idempotency-Key` used before
 * must still land on the same execution. The hand-written UUID v5 they were derived with until then is
 * kept here as the reference, and compared on every kind of input.
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { idempotentExecutionId } from '../../../src/executions/execution-id';

/** The former implementation, verbatim in behaviour: SHA-1 of namespace bytes and UTF-8 name. */
function formerIdempotentExecutionId(definitionId: string, idempotencyKey: string): string {
  const namespaceBytes = Buffer.from('4f6b7f0e-3c51-4b3e-9a0e-7d2f8c1b5a90'.replace(/-/g, ''), 'hex');
  const hash = createHash('sha1').update(namespaceBytes).update(`${definitionId}\n${idempotencyKey}`, 'utf8').digest();
  const bytes = hash.subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${definitionId}-${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const definitionIds = fc.stringMatching(/^[a-z0-9][a-z0-9_-]{0,62}$/);
/** What the API accepts as an Idempotency-Key: 1-255 visible ASCII characters. */
const idempotencyKeys = fc.string({ unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)), minLength: 1, maxLength: 255 });

describe('idempotentExecutionId against the former implementation', () => {
  it('is identical for every definition id and Idempotency-Key the API accepts', () => {
    fc.assert(
      fc.property(definitionIds, idempotencyKeys, (definitionId, key) => {
        expect(idempotentExecutionId(definitionId, key)).toBe(formerIdempotentExecutionId(definitionId, key));
      }),
      { numRuns: 2000 },
    );
  });

  it('is identical for any strings at all, lone surrogates and astral characters included', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary', maxLength: 300 }), (definitionId, key) => {
        expect(idempotentExecutionId(definitionId, key)).toBe(formerIdempotentExecutionId(definitionId, key));
      }),
      { numRuns: 2000 },
    );
    expect(idempotentExecutionId('orders', '\ud800-lone')).toBe(formerIdempotentExecutionId('orders', '\ud800-lone'));
  });

  it('gives the ids the former implementation issued (pinned)', () => {
    expect(idempotentExecutionId('orders', 'key-1')).toBe('orders-1899b341-b710-53bf-b9fa-2d0f3ca4c7ec');
    expect(idempotentExecutionId('order-routing', '8f0c7a9e-1d2b-4c3a-9e8f-0a1b2c3d4e5f')).toBe('order-routing-c75c4074-de33-5307-82c5-00ead582a6d4');
    expect(idempotentExecutionId('a', '!')).toBe('a-3ddb07d2-e854-53c0-9cf6-a7277fbc83b7');
    expect(idempotentExecutionId('x_y', '~'.repeat(255))).toBe('x_y-560bcec6-fb52-5149-ba8a-fb0deecf2a2a');
  });
});
