/**
 * The `Idempotency-Key` a caller sends with a trigger or a command, over HTTP (a header) or NATS (a
 * message header) alike: the execution id or the update id is derived from it.
 */
import { z } from 'zod';

/** An `Idempotency-Key` value. */
export const IdempotencyKeySchema = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[\x21-\x7e]+$/, 'must be 1-255 visible ASCII characters');
