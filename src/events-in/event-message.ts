/**
 * The body of an event in (docs/design.md §9), shared by REST (`POST /api/v1/events`, with `name`) and
 * NATS (`<p>.events.in.<name>`, the name in the subject).
 */
import { z } from 'zod';
import { MAX_CORRELATION_KEY } from '../workflows/correlated-wait';

/** A correlation key. */
export const EventKeySchema = z.string().min(1).max(MAX_CORRELATION_KEY);

/** A deduplication id. */
export const EventIdSchema = z.string().min(1).max(200).regex(/^[\x21-\x7e]+$/, 'must be visible ASCII characters');

/** An event's body on NATS. */
export const EventMessageSchema = z.strictObject({
  key: EventKeySchema.optional(),
  payload: z.unknown().optional(),
  id: EventIdSchema.optional(),
});
