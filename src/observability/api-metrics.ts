/**
 * The API's Prometheus metrics (prom-client), one registry per app so tests can build many: HTTP
 * requests by route and status, commands by name and outcome, open gates by reason (counted in
 * Temporal visibility at scrape time), plus prom-client's process metrics. `GET /metrics` serves them
 * (`src/api/observability.ts`).
 */
import type { Client } from '@temporalio/client';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Prometheus' text exposition format, as `registry.contentType` says. */
export type MetricsText = string;

/**
 * Visibility queries behind `cadenza_open_gates`: executions still running with an open approval, a
 * manual or failure pause (`paused`), or a pause on its way (`pausing`).
 */
export const OPEN_GATE_QUERIES: Readonly<Record<string, string>> = {
  approval_required: "ExecutionStatus = 'Running' AND CadenzaAwaiting IS NOT NULL",
  paused: "ExecutionStatus = 'Running' AND CadenzaStatus = 'paused'",
  pausing: "ExecutionStatus = 'Running' AND CadenzaStatus = 'pausing'",
};

/** Counts are cached this long, so a scrape every few seconds costs Temporal little. */
const GATE_COUNT_TTL_MS = 5_000;

/** REST commands by `METHOD route`, for `cadenza_commands_total`. */
export const COMMAND_ROUTES: Readonly<Record<string, string>> = {
  'POST /api/v1/workflows/:id/executions': 'trigger',
  'POST /api/v1/executions/:id/pause': 'pause',
  'POST /api/v1/executions/:id/resume': 'resume',
  'POST /api/v1/executions/:id/cancel': 'cancel',
  'POST /api/v1/executions/:id/tasks/:taskId/resume': 'task_resume',
  'POST /api/v1/executions/:id/approvals/:taskId': 'decide',
  'POST /api/v1/executions/:id/signals/:name': 'signal',
};

/** What a command's HTTP status says about it. */
export function commandOutcome(status: number, dryRun: boolean): string {
  if (dryRun) return status < 300 ? 'dry_run' : 'dry_run_refused';
  if (status < 300) return 'applied';
  if (status === 409 || status === 422 || status === 400 || status === 404) return 'refused';
  if (status === 401 || status === 403) return 'denied';
  if (status === 429 || status === 503) return 'unavailable';
  return status >= 500 ? 'failed' : 'refused';
}

/** The metrics of one API app. */
export class ApiMetrics {
  readonly registry = new Registry();
  private readonly requests: Counter<'method' | 'route' | 'status'>;
  private readonly durations: Histogram<'method' | 'route'>;
  private readonly commands: Counter<'command' | 'outcome'>;

  constructor(options: { client?: Client; onGateCountError?: (error: unknown) => void } = {}) {
    collectDefaultMetrics({ register: this.registry, prefix: 'cadenza_api_' });
    this.requests = new Counter({
      name: 'cadenza_http_requests_total',
      help: 'HTTP requests answered, by method, route pattern and status code',
      labelNames: ['method', 'route', 'status'],
      registers: [this.registry],
    });
    this.durations = new Histogram({
      name: 'cadenza_http_request_duration_seconds',
      help: 'Time to answer an HTTP request, by method and route pattern',
      labelNames: ['method', 'route'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [this.registry],
    });
    this.commands = new Counter({
      name: 'cadenza_commands_total',
      help: 'REST commands (trigger, pause, resume, cancel, task_resume, decide, signal) by outcome',
      labelNames: ['command', 'outcome'],
      registers: [this.registry],
    });
    const client = options.client;
    if (client) this.openGatesGauge(client, options.onGateCountError ?? (() => undefined));
  }

  /** Records one answered request; `route` is the pattern (`/api/v1/executions/:id`), never the raw URL. */
  observeRequest(method: string, route: string, status: number, seconds: number, dryRun = false): void {
    this.requests.inc({ method, route, status: String(status) });
    this.durations.observe({ method, route }, seconds);
    const command = COMMAND_ROUTES[`${method} ${route}`];
    if (command !== undefined) this.commands.inc({ command, outcome: commandOutcome(status, dryRun) });
  }

  /** The exposition text of every metric. */
  metrics(): Promise<MetricsText> {
    return this.registry.metrics();
  }

  private openGatesGauge(client: Client, onError: (error: unknown) => void): void {
    let cached: { at: number; counts: Record<string, number> } | undefined;
    new Gauge({
      name: 'cadenza_open_gates',
      help: 'Running executions holding a gate, by reason (approval_required, paused, pausing), from Temporal visibility',
      labelNames: ['reason'],
      registers: [this.registry],
      async collect() {
        if (cached === undefined || Date.now() - cached.at > GATE_COUNT_TTL_MS) {
          try {
            const entries = await Promise.all(Object.entries(OPEN_GATE_QUERIES).map(async ([reason, query]) => [reason, (await client.workflow.count(query)).count] as const));
            cached = { at: Date.now(), counts: Object.fromEntries(entries) };
          } catch (error) {
            onError(error);
          }
        }
        this.reset();
        for (const [reason, count] of Object.entries(cached?.counts ?? {})) this.set({ reason }, count);
      },
    });
  }
}
