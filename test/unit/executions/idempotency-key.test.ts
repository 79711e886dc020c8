import { IdempotencyKeySchema } from '../../../src/executions/idempotency-key';

describe('IdempotencyKeySchema', () => {
  it('takes 1-255 visible ASCII characters', () => {
    for (const key of ['a', 'order-42/retry#1', '~'.repeat(255)]) expect(IdempotencyKeySchema.safeParse(key).success).toBe(true);
  });

  it('refuses empty, too long, spaces, control and non-ASCII characters', () => {
    for (const key of ['', 'x'.repeat(256), 'a b', 'a\tb', 'clé', 42]) expect(IdempotencyKeySchema.safeParse(key).success).toBe(false);
  });
});
