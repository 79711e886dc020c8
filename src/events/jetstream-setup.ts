/**
 * What Cadenza needs in JetStream, created when missing (never altered when present, so an operator
 * may tune the stream): the events stream with a duplicate window, and two small KV buckets.
 */
import { jetstreamManager, JetStreamApiCodes, JetStreamApiError, RetentionPolicy, StorageType } from '@nats-io/jetstream';
import { type KV, Kvm } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import type { NatsNames } from './nats-config';
import { eventStreamSubjects } from './subjects';

/** JetStream's API error code for "stream name already in use" (not among the client's named codes). */
const STREAM_NAME_IN_USE = 10058;

/**
 * The stream's duplicate window: a message id seen within it is stored once. It bounds how late a
 * republish (retry after an unanswered publish, catch-up racing the live path) is still deduplicated.
 */
export const DEDUPE_WINDOW_MS = 30 * 60_000;

/** KV entries expire after this long without a write; the publisher rewrites live ones well before. */
export const BOOKMARK_TTL_MS = 30 * 24 * 3_600_000;

export interface JetStreamResources {
  progress: KV;
  gates: KV;
  /** True when this call created the stream. */
  createdStream: boolean;
}

export async function ensureJetStreamResources(nc: NatsConnection, names: NatsNames): Promise<JetStreamResources> {
  const jsm = await jetstreamManager(nc);
  let createdStream = false;
  try {
    await jsm.streams.info(names.stream);
  } catch (error) {
    if (!(error instanceof JetStreamApiError) || error.code !== JetStreamApiCodes.StreamNotFound) throw error;
    try {
      await jsm.streams.add({
        name: names.stream,
        description: 'Cadenza execution journal events (docs/design.md §6)',
        subjects: eventStreamSubjects(names.prefix),
        retention: RetentionPolicy.Limits,
        storage: StorageType.File,
        duplicate_window: DEDUPE_WINDOW_MS * 1_000_000,
      });
      createdStream = true;
    } catch (addError) {
      // Another worker or API node created it first.
      if (!(addError instanceof JetStreamApiError) || addError.code !== STREAM_NAME_IN_USE) throw addError;
    }
  }
  const kvm = new Kvm(nc);
  const progress = await kvm.create(names.progressBucket, { history: 1, ttl: BOOKMARK_TTL_MS, description: 'Cadenza: last published journal seq per execution' });
  const gates = await kvm.create(names.gatesBucket, { history: 1, ttl: BOOKMARK_TTL_MS, description: 'Cadenza: waiting task / pending approval task_exec_id → execution id' });
  return { progress, gates, createdStream };
}
