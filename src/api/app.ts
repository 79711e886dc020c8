/**
 * The Fastify application factory: builds the REST API v1 and never listens (the server bootstrap,
 * `src/server.ts`, does), so tests drive it with `app.inject`.
 */
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { Client } from '@temporalio/client';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Config } from '../config';
import type { DefinitionStore } from '../definitions/store';
import { ApprovalInbox } from '../executions/approval-inbox';
import { ExecutionCommandService } from '../executions/command-service';
import { ExecutionService } from '../executions/execution-service';
import { ApiKeyRegistry } from '../auth/api-key-registry';
import { BulkService } from '../bulk/bulk-service';
import { CallbackService } from '../callbacks/callback-service';
import { EventRouter } from '../events-in/event-router';
import { ScheduleService } from '../schedules/schedule-service';
import { registerAuthentication } from './auth/authentication';
import { clientErrorHandler, frameworkErrorHandler, registerErrorHandling } from './error-handler';
import { registerJsonBodyParser } from './json-body';
import { registerObservability } from './observability';
import { ApiMetrics } from '../observability/api-metrics';
import type { TracerProvider } from '@opentelemetry/api';
import { StreamRegistry } from './sse/stream-registry';
import { approvalRoutes } from './routes/approvals';
import { bulkRoutes } from './routes/bulk';
import { eventsInRoutes } from './routes/events-in';
import { commandRoutes } from './routes/commands';
import { consoleRoutes } from './routes/console';
import { executionRoutes } from './routes/executions';
import { healthRoutes } from './routes/health';
import { sessionRoutes } from './routes/session';
import { scheduleRoutes } from './routes/schedules';
import { streamRoutes } from './routes/stream';
import { workflowRoutes } from './routes/workflows';
import { registerYamlBodyParser } from './yaml-body';

/** What `buildApp` is built from. */
export interface BuildAppOptions {
  config: Config;
  client: Client;
  /** A pino logger; otherwise one is created at `config.LOG_LEVEL`. */
  logger?: FastifyBaseLogger;
  definitions: DefinitionStore;
  /** Defaults to an `ExecutionService` over `client` and `definitions`. */
  executions?: ExecutionService;
  /** Defaults to an `ExecutionCommandService` over `client`. */
  commands?: ExecutionCommandService;
  /** The open event streams (cap and gauge); defaults to one capped at `CADENZA_SSE_MAX_STREAMS`. */
  streams?: StreamRegistry;
  /** Defaults to an `EventRouter` over `client`, `definitions` and the executions. */
  router?: EventRouter;
  /** Largest accepted request body, in bytes (default 1 MiB). */
  bodyLimit?: number;
  /** Served at `GET /metrics`; defaults to fresh metrics over `client`. */
  metrics?: ApiMetrics;
  /** Traces every request (`src/observability/tracing.ts`); none by default. */
  tracerProvider?: TracerProvider;
}

/** The Fastify instance `buildApp` returns. */
export type CadenzaApp = FastifyInstance;

/** Builds the REST API v1 (routes, auth, errors, OpenAPI); `app.close()` also ends open event streams. */
export async function buildApp(options: BuildAppOptions): Promise<CadenzaApp> {
  const { config, client, definitions } = options;
  const app = Fastify({
    ...(options.logger ? { loggerInstance: options.logger } : { logger: { level: config.LOG_LEVEL } }),
    bodyLimit: options.bodyLimit ?? 1_048_576,
    requestIdHeader: 'x-request-id',
    // Routes answer JSON; never let a trailing slash or case produce a second spelling of a URL.
    // Path parameters up to 256 characters reach their schemas (ids are at most 255), longer ones are 414.
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 256 },
    // Refusals made before routing or by Node's HTTP parser are problem documents too.
    frameworkErrors: frameworkErrorHandler,
    clientErrorHandler,
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandling(app);
  registerJsonBodyParser(app);
  registerYamlBodyParser(app);
  const keys = new ApiKeyRegistry(config.CADENZA_API_KEYS);
  registerAuthentication(app, keys);
  const metrics = options.metrics ?? new ApiMetrics({ client, onGateCountError: (err: unknown) => app.log.warn({ err }, 'counting open gates for /metrics failed') });
  await registerObservability(app, { metrics, ...(options.tracerProvider ? { tracerProvider: options.tracerProvider } : {}) });

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Cadenza API',
        version: 'v1',
        description:
          'Declarative workflows on Temporal that can be paused, inspected, repaired and resumed. Errors are ' +
          '`application/problem+json` with a stable `type` (see docs/api-errors.md). When API keys are configured, every ' +
          '`/api/` request sends one (`Authorization: Bearer <key>` or `X-API-Key`); each endpoint names the permission it needs.',
      },
      tags: [
        { name: 'workflows', description: 'Workflow definitions (durable registry)' },
        { name: 'executions', description: 'Executions of definitions' },
        { name: 'commands', description: 'Pause, resume, repair, wake waiting tasks, signal' },
        { name: 'approvals', description: 'Approval inbox and decisions' },
        { name: 'events', description: 'Events in (triggers, correlated waits) and callback URLs' },
        { name: 'health', description: 'Liveness and readiness' },
      ],
      components: {
        securitySchemes: {
          bearerAuth: { type: 'http', scheme: 'bearer', description: 'An API key from CADENZA_API_KEYS' },
          apiKeyHeader: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
        },
      },
      // Only enforced when keys are configured; /healthz, /readyz and /docs are always open.
      security: keys.enabled ? [{ bearerAuth: [] }, { apiKeyHeader: [] }] : [],
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });

  const executions =
    options.executions ?? new ExecutionService({ client, definitions, config });
  const commands = options.commands ?? new ExecutionCommandService({ client, maxCommandDataBytes: config.CADENZA_MAX_COMMAND_DATA_BYTES });

  await app.register(healthRoutes, { client, taskQueue: config.CADENZA_TASK_QUEUE });
  const schedules = new ScheduleService({ client, taskQueue: config.CADENZA_TASK_QUEUE, templateEnv: config.CADENZA_TEMPLATE_ENV });
  await app.register(workflowRoutes, { definitions, schedules });
  await app.register(scheduleRoutes, { schedules });
  await app.register(executionRoutes, { executions });
  const streams = options.streams ?? new StreamRegistry({ maxStreams: config.CADENZA_SSE_MAX_STREAMS });
  await app.register(streamRoutes, { executions, client, streams });
  await app.register(commandRoutes, { commands });
  await app.register(approvalRoutes, { inbox: new ApprovalInbox(executions), streams });
  // The operator console (docs/design.md §10) and the caller check it signs in with.
  await app.register(sessionRoutes);
  await app.register(consoleRoutes, { authentication: keys.enabled });
  // Events in, callback URLs, bulk operations (docs/design.md §9).
  const router = options.router ?? new EventRouter({ client, definitions, executions, taskQueue: config.CADENZA_TASK_QUEUE, keepMs: config.CADENZA_EVENT_KEEP });
  await app.register(eventsInRoutes, { router, callbacks: new CallbackService({ client }) });
  await app.register(bulkRoutes, { bulk: new BulkService({ client, taskQueue: config.CADENZA_TASK_QUEUE, commands }) });
  return app;
}
