/**
 * Configuration from the environment, validated once at boot. A bad value stops startup with a
 * one-line reason naming the variable.
 */
import { z } from 'zod';

const csv = z
  .string()
  .optional()
  .transform((v) => (v ?? '').split(',').map((s) => s.trim()).filter((s) => s.length > 0));

const port = z.coerce.number().int().min(1).max(65535);

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
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Config = z.infer<typeof ConfigSchema>;

/** Thrown for an invalid environment; its message is the one line to print. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = ConfigSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = issue?.path.join('.') ?? 'environment';
    throw new ConfigError(`invalid configuration: ${name}=${JSON.stringify(env[name] ?? '')}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}
