/**
 * Metrics and tracing settings (docs/design.md §12), part of the boot-time configuration
 * (`src/config.ts` spreads `observabilityConfigShape` into its schema).
 */
import { z } from 'zod';

/** `host:port` with a numeric port (IPv6 in brackets). */
const HOST_PORT = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/;

export const observabilityConfigShape = {
  /**
   * `host:port` where a worker process serves the Temporal SDK's own metrics (and Cadenza's worker
   * metrics) for Prometheus at `/metrics`; unset: none. Keep it on loopback.
   */
  CADENZA_WORKER_METRICS: z
    .string()
    .optional()
    .refine((v) => v === undefined || v === '' || (HOST_PORT.test(v) && Number(HOST_PORT.exec(v)?.[2]) <= 65535), 'must be host:port, e.g. 127.0.0.1:9464')
    .transform((v) => (v === '' ? undefined : v)),
  /**
   * OpenTelemetry traces from REST request to activity: `otlp` exports over OTLP/HTTP (the standard
   * `OTEL_EXPORTER_OTLP_ENDPOINT` / `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`, default
   * `http://localhost:4318/v1/traces`), `console` prints spans; `off` (default) traces nothing.
   */
  CADENZA_TRACING: z.enum(['off', 'otlp', 'console']).default('off'),
  /** `service.name` of the spans (default `cadenza-api` / `cadenza-worker`). */
  OTEL_SERVICE_NAME: z.string().min(1).max(200).optional(),
};

/** The parsed observability settings. */
export interface ObservabilityConfig {
  CADENZA_WORKER_METRICS: string | undefined;
  CADENZA_TRACING: 'off' | 'otlp' | 'console';
  OTEL_SERVICE_NAME?: string | undefined;
}
