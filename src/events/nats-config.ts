/**
 * NATS settings (docs/design.md §6), part of the boot-time configuration (`src/config.ts` spreads
 * `natsConfigShape` into its schema). Without `NATS_URL` nothing NATS runs.
 */
import { z } from 'zod';
import { credentialsAgreeing } from './nats-credentials';

/** Subject tokens Cadenza builds from the prefix: letters, digits, `_` and `-`, separated by dots. */
const PREFIX = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;
/** JetStream stream and KV bucket names: no dots, spaces, wildcards or separators. */
const STREAM_NAME = /^[A-Za-z0-9_-]{1,200}$/;

const durationMs = z.coerce.number().int().min(0);

export const natsConfigShape = {
  /**
   * NATS server(s), comma-separated (`nats://127.0.0.1:4222`). Credentials may be in the URL
   * (`nats://user:password@host:4222`, `nats://token@host:4222`, percent-encoded); they are passed to
   * the client as options and never shown (`nats-credentials.ts`).
   */
  NATS_URL: z
    .string()
    .optional()
    .transform((v) => (v ?? '').split(',').map((s) => s.trim()).filter((s) => s.length > 0))
    .refine((urls) => urls.every((u) => /^(nats|tls):\/\/[^\s/]+$/.test(u) || /^[^\s:/]+:\d+$/.test(u)), 'must be nats://host:port (comma-separated for a cluster)')
    .refine((urls) => {
      try {
        credentialsAgreeing(urls);
        return true;
      } catch {
        return false;
      }
    }, 'every server must carry the same credentials (or none)'),
  /** First subject token(s) of events and commands (seed default `compozy`). */
  CADENZA_NATS_PREFIX: z.string().regex(PREFIX, 'must be dot-separated tokens of letters, digits, "_" or "-"').default('compozy'),
  /** JetStream stream holding `<prefix>.events.>`; created when missing. Default: the prefix in capitals plus `_EVENTS`. */
  CADENZA_NATS_STREAM: z.string().regex(STREAM_NAME, 'must be letters, digits, "_" or "-"').optional(),
  /** How often the worker republishes what the stream lacks (ms; 0 = only at start). */
  CADENZA_NATS_CATCHUP_INTERVAL_MS: durationMs.default(60_000),
  /** Most journal events a worker holds for NATS while it is unreachable; past it, the catch-up fills in. */
  CADENZA_NATS_MAX_BUFFERED: z.coerce.number().int().min(1).default(100_000),
};

export const NatsConfigSchema = z.object(natsConfigShape);
export type NatsConfig = z.infer<typeof NatsConfigSchema>;

/** Names derived from the settings: the stream, the KV buckets, the consumer queue group. */
export interface NatsNames {
  prefix: string;
  stream: string;
  /** KV bucket: last published `seq` per execution (the catch-up's bookmark). */
  progressBucket: string;
  /** KV bucket: `task_exec_id` of a waiting task or pending approval → its execution id. */
  gatesBucket: string;
  /** Queue group of the command consumers, so each command is handled once. */
  commandQueue: string;
}

export function natsNamesOf(config: Pick<NatsConfig, 'CADENZA_NATS_PREFIX' | 'CADENZA_NATS_STREAM'>): NatsNames {
  const prefix = config.CADENZA_NATS_PREFIX;
  const base = prefix.replace(/[.]/g, '_').toUpperCase();
  const stream = config.CADENZA_NATS_STREAM ?? `${base}_EVENTS`;
  return {
    prefix,
    stream,
    progressBucket: `${stream}_PUBLISHED`,
    gatesBucket: `${stream}_GATES`,
    commandQueue: `cadenza-commands-${prefix}`,
  };
}
