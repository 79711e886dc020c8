/**
 * Configuration from the environment, validated once at boot. A bad value stops startup with a
 * one-line reason naming the variable.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { EgressRuleError, parseEgressRules } from './activities/tools/egress/rules';
import { ALL_PERMISSIONS_WILDCARD, allPermissions } from './auth/permissions';
import { natsConfigShape } from './events/nats-config';
import { redactNatsUrl } from './events/nats-credentials';
import { sizeLimitsShape } from './limits/size-limits';
import { observabilityConfigShape } from './observability/observability-config';
import { parseDuration } from './definitions/duration';

const csv = z
  .string()
  .optional()
  .transform((v) => (v ?? '').split(',').map((s) => s.trim()).filter((s) => s.length > 0));

const port = z.coerce.number().int().min(1).max(65535);

const flag = z
  .enum(['true', 'false', '1', '0', ''])
  .optional()
  .transform((v) => v === 'true' || v === '1');

/** A list of egress rules (`CADENZA_HTTP_ALLOW`, `CADENZA_HTTP_DENY`); a bad entry is one issue naming it. */
const egressRules = z
  .string()
  .optional()
  .transform((raw, ctx) => {
    try {
      return parseEgressRules(raw ?? '');
    } catch (error) {
      if (!(error instanceof EgressRuleError)) throw error;
      ctx.addIssue({ code: 'custom', message: error.message });
      return z.NEVER;
    }
  });

/** One API key (docs/design.md §7): who the caller is, what it may do, and its roles for approvals. */
export const ApiKeySchema = z.strictObject({
  /** The secret sent as `Authorization: Bearer <key>` or `X-API-Key: <key>`. */
  key: z.string().min(16, 'must be at least 16 characters').max(512).regex(/^[\x21-\x7e]+$/, 'must be visible ASCII characters'),
  /** The actor: journaled on commands, `approver` of decisions, `user:<name>` in approvers. */
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._@+-]{0,127}$/, 'must be 1-128 letters, digits, ".", "_", "@", "+" or "-"'),
  permissions: z
    .array(z.enum([...allPermissions, ALL_PERMISSIONS_WILDCARD]))
    .min(1, 'needs at least one permission'),
  /** Matched against an approval's `approvers.roles`. */
  roles: z.array(z.string().min(1).max(128)).default([]),
});
export type ApiKey = z.infer<typeof ApiKeySchema>;

const ApiKeyListSchema = z.array(ApiKeySchema).superRefine((keys, ctx) => {
  const seen = new Set<string>();
  keys.forEach((k, i) => {
    if (seen.has(k.key)) ctx.addIssue({ code: 'custom', path: [i, 'key'], message: 'the same key is configured twice' });
    seen.add(k.key);
  });
});

/**
 * `CADENZA_API_KEYS`: a JSON array of keys, or the path of a file holding one. Unset or empty means
 * no keys (auth off, loopback only).
 */
const apiKeys = z
  .string()
  .optional()
  .transform((raw, ctx): unknown => {
    const text = (raw ?? '').trim();
    if (text === '') return [];
    let json = text;
    if (!text.startsWith('[')) {
      try {
        json = readFileSync(text, 'utf8');
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: `neither a JSON array nor a readable file (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})` });
        return z.NEVER;
      }
    }
    try {
      return JSON.parse(json) as unknown;
    } catch {
      // Never echo the text: it holds secrets.
      ctx.addIssue({ code: 'custom', message: 'is not valid JSON' });
      return z.NEVER;
    }
  })
  .pipe(ApiKeyListSchema);

/** Default of `CADENZA_SSE_MAX_STREAMS`. */
export const DEFAULT_SSE_MAX_STREAMS = 100;

/**
 * How configuration errors show a variable's value: secrets never (`CADENZA_API_KEYS`), NATS_URL with
 * its credentials replaced; anything else as it is.
 */
const SHOWN_VALUE: Readonly<Record<string, ((value: string) => string) | null>> = {
  CADENZA_API_KEYS: null,
  NATS_URL: (value) => value.split(',').map((url) => redactNatsUrl(url)).join(','),
};

export const ConfigSchema = z.object({
  CADENZA_HOST: z.string().min(1).default('127.0.0.1'),
  CADENZA_PORT: port.default(3000),
  /** Use this Temporal server instead of starting the embedded dev server. */
  TEMPORAL_ADDRESS: z.string().min(1).optional(),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  CADENZA_TASK_QUEUE: z.string().min(1).default('cadenza'),
  /** Path of a `temporal` CLI binary to run the embedded dev server with. */
  TEMPORAL_CLI_PATH: z.string().min(1).optional(),
  /** gRPC port of the embedded dev server (Web UI on TEMPORAL_UI_PORT). */
  TEMPORAL_PORT: port.default(7233),
  TEMPORAL_UI_PORT: port.default(8233),
  /** Where the embedded dev server keeps its SQLite file. */
  CADENZA_DATA_DIR: z.string().min(1).default('.data'),
  /** Definitions loaded (registered) at `npm start`. */
  CADENZA_WORKFLOWS_DIR: z.string().min(1).default('workflows'),
  /** Module paths of user tools, comma-separated. */
  CADENZA_TOOLS: csv,
  /** Environment variables exposed to templates as `env.NAME`, comma-separated. */
  CADENZA_TEMPLATE_ENV: csv,
  /**
   * Executions continue as new once a run's history holds this many events (docs/design.md §11);
   * unset: when Temporal suggests it (4,096 events or 4 MiB by default) or at 10,000 events.
   */
  CADENZA_CONTINUE_AFTER_EVENTS: z.coerce.number().int().min(100).max(10_000).optional(),
  /** API keys; without any, auth is off and the API only listens on loopback. */
  CADENZA_API_KEYS: apiKeys,
  /**
   * Lets the API listen on a non-loopback address without keys. Only for a port published on the
   * host's loopback (a container); never on a network.
   */
  CADENZA_ALLOW_UNAUTHENTICATED: flag,
  /**
   * Egress policy of the `http` tool (README "Outbound HTTP"): comma-separated host names,
   * `*.domain`, IPv4/IPv6 addresses and CIDRs, `private`. Deny beats allow; with an allow list only
   * what it matches is reachable; neither set: everything is.
   */
  CADENZA_HTTP_ALLOW: egressRules,
  CADENZA_HTTP_DENY: egressRules,
  /**
   * Largest response body (decoded) the `http` tool reads; a bigger one fails the attempt. Default: the
   * task output limit, which it may not exceed (a bigger body could never be the task's output).
   */
  CADENZA_HTTP_MAX_RESPONSE_BYTES: z.coerce.number().int('must be a whole number of bytes').min(1, 'must be at least 1').max(Number.MAX_SAFE_INTEGER).optional(),
  /** CADENZA_MAX_TASK_OUTPUT_BYTES, CADENZA_MAX_TASK_INPUT_BYTES, CADENZA_MAX_INPUT_BYTES, CADENZA_MAX_COMMAND_DATA_BYTES (src/limits/size-limits.ts). */
  ...sizeLimitsShape,
  /**
   * Most server-sent event streams (`GET /api/v1/executions/{id}/stream`) this API process keeps open
   * at once; each polls its execution's journal. Past it a new stream is refused with
   * `503 stream_limit_reached`.
   */
  CADENZA_SSE_MAX_STREAMS: z.coerce.number().int().min(1).max(100_000).default(DEFAULT_SSE_MAX_STREAMS),
  /** Workflows the worker keeps in its cache (default 1000, see `DEFAULT_MAX_CACHED_WORKFLOWS`); beyond it they replay on their next task. */
  CADENZA_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(2).max(1_000_000).optional(),
  /**
   * Events in (docs/design.md §9): how long an event no correlated wait takes yet is kept for the
   * wait that comes, and its id remembered for deduplication (a duration: `30s`, `24h`, `7d`).
   */
  CADENZA_EVENT_KEEP: z
    .string()
    .default('24h')
    .refine((v) => parseDuration(v) !== undefined, 'must be a positive duration such as "30s", "24h" or "7d"')
    .transform((v) => parseDuration(v) ?? 0),
  /**
   * The API's base URL as callers reach it; callback URLs (`<url>/api/v1/callbacks/<token>`) start
   * with it. Default: `http://<CADENZA_HOST>:<CADENZA_PORT>`.
   */
  CADENZA_PUBLIC_URL: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
    .optional(),
  /** NATS_URL, CADENZA_NATS_*: event publishing and commands on NATS (docs/events.md). */
  ...natsConfigShape,
  /** CADENZA_WORKER_METRICS, CADENZA_TRACING, OTEL_SERVICE_NAME: metrics and traces (README "Observability"). */
  ...observabilityConfigShape,
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
}).transform((config, ctx) => {
  // The response cap follows the task output limit (docs/decisions.md "Size limits").
  const outputLimit = config.CADENZA_MAX_TASK_OUTPUT_BYTES;
  const cap = config.CADENZA_HTTP_MAX_RESPONSE_BYTES ?? outputLimit;
  if (cap > outputLimit) {
    ctx.addIssue({
      code: 'custom',
      path: ['CADENZA_HTTP_MAX_RESPONSE_BYTES'],
      message: `must not exceed CADENZA_MAX_TASK_OUTPUT_BYTES (${outputLimit}): a bigger response could never be a task output`,
    });
  }
  return { ...config, CADENZA_HTTP_MAX_RESPONSE_BYTES: cap };
});

export type Config = z.infer<typeof ConfigSchema>;

/** The base of callback URLs: `CADENZA_PUBLIC_URL`, else the address the API listens on. */
export function publicUrlOf(config: Pick<Config, 'CADENZA_PUBLIC_URL' | 'CADENZA_HOST' | 'CADENZA_PORT'>): string {
  if (config.CADENZA_PUBLIC_URL !== undefined) return config.CADENZA_PUBLIC_URL.replace(/\/+$/, '');
  const host = config.CADENZA_HOST.includes(':') ? `[${config.CADENZA_HOST}]` : config.CADENZA_HOST;
  return `http://${host}:${config.CADENZA_PORT}`;
}

/** Thrown for an invalid environment; its message is the one line to print. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = ConfigSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const [variable, ...rest] = issue?.path ?? [];
    const name = typeof variable === 'string' ? variable : 'environment';
    const where = rest.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
    const show = Object.hasOwn(SHOWN_VALUE, name) ? SHOWN_VALUE[name] : (value: string) => value;
    const shown = show === null || show === undefined ? `${name}${where}` : `${name}${where}=${JSON.stringify(show(env[name] ?? ''))}`;
    throw new ConfigError(`invalid configuration: ${shown}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}
