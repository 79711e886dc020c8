/**
 * The API's observability hooks (docs/design.md §12): `GET /metrics` for Prometheus, request and
 * command counters, `execution_id` on every log line of a request that names an execution, and — when
 * tracing is on — a span per request (@fastify/otel) under which the Temporal client's spans start, so
 * a trace runs REST request → workflow → activity. Registered before the routes, so it sees them all.
 */
import FastifyOtelInstrumentation from '@fastify/otel';
import type { TracerProvider } from '@opentelemetry/api';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ApiMetrics } from '../observability/api-metrics';

/** What `registerObservability` wires in. */
export interface ObservabilityOptions {
  metrics: ApiMetrics;
  /** The tracer provider of `startTracing`; without one no spans are made. */
  tracerProvider?: TracerProvider;
}

/** Routes whose `:id` is an execution id. */
const EXECUTION_ROUTE = /^\/api\/v1\/executions\/:id(\/|$)/;

/** Adds the hooks and `GET /metrics` to `app`. */
export async function registerObservability(app: FastifyInstance, options: ObservabilityOptions): Promise<void> {
  if (options.tracerProvider) {
    const instrumentation = new FastifyOtelInstrumentation({ registerOnInitialization: false, ignorePaths: (opts) => opts.url === '/metrics' });
    instrumentation.setTracerProvider(options.tracerProvider);
    await app.register(instrumentation.plugin());
  }
  app.addHook('onRequest', (request, reply, done) => {
    const route = request.routeOptions.url;
    const id = (request.params as Record<string, unknown> | undefined)?.id;
    if (route !== undefined && EXECUTION_ROUTE.test(route) && typeof id === 'string') {
      // The reply logs "request completed": it gets the binding too.
      request.log = request.log.child({ execution_id: id });
      reply.log = request.log;
    }
    done();
  });
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const dryRun = (request.query as Record<string, unknown> | undefined)?.dry_run === 'true';
    options.metrics.observeRequest(request.method, route, reply.statusCode, reply.elapsedTime / 1000, dryRun);
    done();
  });
  app.withTypeProvider<ZodTypeProvider>().get(
    '/metrics',
    {
      schema: {
        tags: ['health'],
        summary: 'Prometheus metrics: HTTP requests, commands, open gates, process',
        security: [],
        response: { 200: z.string().describe('Prometheus text exposition format') },
      },
    },
    async (_request, reply) => {
      const text = await options.metrics.metrics();
      return reply.type(options.metrics.registry.contentType).send(text);
    },
  );
}
