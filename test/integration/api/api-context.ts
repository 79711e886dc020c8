/**
 * An API app (`buildApp`, driven with `app.inject`) on the shared test Temporal server, with its own
 * task queue and its own registry workflow id so test files never see each other's definitions.
 */
import { randomUUID } from 'node:crypto';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { buildApp, type CadenzaApp } from '../../../src/api/app';
import { type Config, loadConfig } from '../../../src/config';
import { DefinitionStore } from '../../../src/definitions/store';
import { ExecutionCommandService } from '../../../src/executions/command-service';
import { ExecutionService } from '../../../src/executions/execution-service';
import type { DefinitionEntityLimits } from '../../../src/workflows/definition-entity-messages';
import { connectTestClient, startTestWorker, type TestClient, type TestWorker } from '../harness';
import { tools } from '../fixtures/test-tools';

export interface ApiContextOptions {
  /** Start a worker on the task queue (default true). */
  worker?: boolean;
  taskQueue?: string;
  registryId?: string;
  /** Bound of queries/updates; short in tests that expect `worker_unavailable`. */
  deadlineMs?: number;
  /** Bounds of the definition entities the store creates (lowered to reach archives and continue-as-new). */
  entityLimits?: Partial<DefinitionEntityLimits>;
  env?: Record<string, string>;
  /** `CADENZA_API_KEYS` entries; auth is off without them. */
  apiKeys?: ReadonlyArray<{ key: string; name: string; permissions: string[]; roles?: string[] }>;
  /** Further configuration variables (e.g. lowered size limits). */
  configEnv?: Record<string, string>;
}

export interface ApiContext {
  t: TestClient;
  worker: TestWorker | undefined;
  app: CadenzaApp;
  store: DefinitionStore;
  config: Config;
  taskQueue: string;
  registryId: string;
  close(): Promise<void>;
}

export async function startApiContext(options: ApiContextOptions = {}): Promise<ApiContext> {
  const t = await connectTestClient();
  const taskQueue = options.taskQueue ?? `api-${randomUUID()}`;
  const registryId = options.registryId ?? `registry-${randomUUID()}`;
  const worker = options.worker === false ? undefined : await startTestWorker({ taskQueue, tools });
  const config = loadConfig({
    CADENZA_TASK_QUEUE: taskQueue,
    TEMPORAL_NAMESPACE: t.namespace,
    LOG_LEVEL: 'silent',
    CADENZA_TEMPLATE_ENV: Object.keys(options.env ?? {}).join(','),
    ...(options.apiKeys ? { CADENZA_API_KEYS: JSON.stringify(options.apiKeys) } : {}),
    ...options.configEnv,
  });
  const store = new DefinitionStore({
    client: t.client,
    taskQueue,
    registryId,
    ...(options.deadlineMs === undefined ? {} : { deadlineMs: options.deadlineMs }),
    ...(options.entityLimits ? { entityLimits: options.entityLimits } : {}),
  });
  const executions = new ExecutionService({
    client: t.client,
    definitions: store,
    config,
    ...(options.deadlineMs === undefined ? {} : { deadlineMs: options.deadlineMs }),
    ...(options.env ? { env: options.env } : {}),
  });
  let app: CadenzaApp;
  try {
    const commands = new ExecutionCommandService({
      client: t.client,
      maxCommandDataBytes: config.CADENZA_MAX_COMMAND_DATA_BYTES,
      ...(options.deadlineMs === undefined ? {} : { deadlineMs: options.deadlineMs }),
    });
    app = await buildApp({ config, client: t.client, definitions: store, executions, commands });
    await app.ready();
  } catch (error) {
    await worker?.shutdown();
    await t.close();
    throw error;
  }
  return {
    t,
    worker,
    app,
    store,
    config,
    taskQueue,
    registryId,
    async close() {
      await app.close();
      await worker?.shutdown();
      await t.close();
    },
  };
}

/** A problem document as tests read it. */
export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors: Array<{ path: string; message: string }>;
  issues: Array<{ path: string; message: string }>;
  [extension: string]: unknown;
}

/** Asserts a problem+json answer with the given status and type slug; returns the document. */
export function expectProblem(res: LightMyRequestResponse, status: number, slug: string): ProblemBody {
  const body = res.json<ProblemBody>();
  expect({ status: res.statusCode, type: body.type }).toEqual({ status, type: `https://cadenza.dev/problems/${slug}` });
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(body).toMatchObject({ status, title: expect.any(String), detail: expect.any(String) });
  return body;
}

/** A small valid definition. */
export function sampleDefinition(id: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    name: `Sample ${id}`,
    input: { type: 'object', required: ['n'], properties: { n: { type: 'number' } }, additionalProperties: false },
    tasks: [{ id: 'echo', type: 'basic', tool: 'echo', with: { n: '{{ input.n }}' } }],
    outputs: { n: '{{ tasks.echo.output.n }}' },
    ...extra,
  };
}

/** A JSON request through `app.inject`, optionally with an API key as a Bearer token. */
export function call(
  app: CadenzaApp,
  method: InjectOptions['method'],
  url: string,
  options: { body?: unknown; key?: string; headers?: Record<string, string> } = {},
): Promise<LightMyRequestResponse> {
  return app.inject({
    method,
    url,
    headers: { ...(options.key ? { authorization: `Bearer ${options.key}` } : {}), ...options.headers },
    ...(options.body === undefined ? {} : { payload: options.body as object }),
  });
}
