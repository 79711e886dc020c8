/**
 * OpenTelemetry tracing of one process (docs/design.md §12), on when `CADENZA_TRACING` says so: a
 * NodeTracerProvider registered globally (AsyncLocalStorage context, W3C trace-context propagation),
 * so the API's request span (@fastify/otel) is the parent of the Temporal client's StartWorkflow /
 * update spans; Temporal's interceptors carry the context in message headers to the workflow and its
 * activities (@temporalio/interceptors-opentelemetry: client interceptor, worker plugin).
 */
import { context, propagation, trace, type Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { Resource } from '@opentelemetry/resources';
import { BatchSpanProcessor, ConsoleSpanExporter, SimpleSpanProcessor, type SpanExporter, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { OpenTelemetryPlugin } from '@temporalio/interceptors-opentelemetry';
import { OpenTelemetryWorkflowClientInterceptor } from '@temporalio/interceptors-opentelemetry/lib/client';
import type { ObservabilityConfig } from './observability-config';

/** Name of the tracer Cadenza's own spans use. */
const TRACER_NAME = 'cadenza';

/** A process's tracing: the provider and what plugs it into Temporal. */
export interface Tracing {
  provider: NodeTracerProvider;
  tracer: Tracer;
  /** For `Worker.create({ plugins })`: workflow and activity interceptors, the workflow span sink. */
  workerPlugin: OpenTelemetryPlugin;
  /** For `new Client({ interceptors: { workflow: [...] } })`. */
  clientInterceptor: OpenTelemetryWorkflowClientInterceptor;
  /** Flushes the spans and unregisters the global provider. */
  shutdown(): Promise<void>;
}

/** Options of `startTracing`. */
export interface TracingOptions {
  serviceName: string;
  exporter: SpanExporter;
  /** Export each span as it ends (tests) instead of in batches. */
  simple?: boolean;
}

/** Registers a tracer provider exporting to `exporter`. */
export function startTracing(options: TracingOptions): Tracing {
  const resource = new Resource({ 'service.name': options.serviceName });
  const spanProcessor: SpanProcessor = options.simple ? new SimpleSpanProcessor(options.exporter) : new BatchSpanProcessor(options.exporter);
  const provider = new NodeTracerProvider({ resource, spanProcessors: [spanProcessor] });
  provider.register();
  const tracer = provider.getTracer(TRACER_NAME);
  return {
    provider,
    tracer,
    workerPlugin: new OpenTelemetryPlugin({ resource, spanProcessor }),
    clientInterceptor: new OpenTelemetryWorkflowClientInterceptor(),
    async shutdown() {
      await provider.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
}

/** Tracing as the configuration asks (`CADENZA_TRACING`), or undefined when it is off. */
export function tracingFromConfig(config: Pick<ObservabilityConfig, 'CADENZA_TRACING' | 'OTEL_SERVICE_NAME'>, defaultServiceName: string): Tracing | undefined {
  if (config.CADENZA_TRACING === 'off') return undefined;
  // The OTLP exporter reads OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT and _HEADERS itself.
  const exporter = config.CADENZA_TRACING === 'console' ? new ConsoleSpanExporter() : new OTLPTraceExporter();
  return startTracing({ serviceName: config.OTEL_SERVICE_NAME ?? defaultServiceName, exporter });
}
