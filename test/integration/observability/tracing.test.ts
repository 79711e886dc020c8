/**
 * One trace from a REST request to the activity that ran the task, exported to an in-process
 * collector (InMemorySpanExporter): the request span (@fastify/otel) → the client's StartWorkflow
 * span → the workflow's RunWorkflow → StartActivity → the activity's RunActivity, on the real dev
 * server with a worker that bundles the workflows with the OpenTelemetry interceptors.
 */
import { randomUUID } from 'node:crypto';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { Client, type Connection } from '@temporalio/client';
import { connectTemporal } from '../../../src/temporal/client-connection';
import { NativeConnection, type Worker } from '@temporalio/worker';
import { buildApp, type CadenzaApp } from '../../../src/api/app';
import { loadConfig } from '../../../src/config';
import { DefinitionStore } from '../../../src/definitions/store';
import { startTracing, type Tracing } from '../../../src/observability/tracing';
import { createCadenzaWorker } from '../../../src/worker/create-worker';
import { waitFor } from '../harness';
import { requireTestEnv, TestEnv, testNamespace } from '../harness/test-environment';

jest.setTimeout(180_000);

const exporter = new InMemorySpanExporter();
let tracing: Tracing;
let connection: Connection;
let workerConnection: NativeConnection;
let worker: Worker;
let running: Promise<void>;
let app: CadenzaApp;

beforeAll(async () => {
  tracing = startTracing({ serviceName: 'cadenza-test', exporter, simple: true });
  const address = requireTestEnv(TestEnv.Address);
  const namespace = testNamespace();
  const taskQueue = `tracing-${randomUUID()}`;
  workerConnection = await NativeConnection.connect({ address });
  // No prebuilt bundle: the worker bundles the workflows with the plugin's workflow interceptors.
  worker = await createCadenzaWorker({ connection: workerConnection, namespace, taskQueue, plugins: [tracing.workerPlugin] });
  running = worker.run();
  connection = await connectTemporal({ address });
  const client = new Client({ connection, namespace, interceptors: { workflow: [tracing.clientInterceptor] } });
  const config = loadConfig({ CADENZA_TASK_QUEUE: taskQueue, TEMPORAL_NAMESPACE: namespace, LOG_LEVEL: 'silent' });
  const definitions = new DefinitionStore({ client, taskQueue, registryId: `registry-${randomUUID()}` });
  app = await buildApp({ config, client, definitions, tracerProvider: tracing.provider });
});

afterAll(async () => {
  await app?.close();
  worker?.shutdown();
  await running?.catch(() => undefined);
  await workerConnection?.close();
  await connection?.close();
  await tracing?.shutdown();
});

test('a trigger is traced from the REST request through the workflow to the activity', async () => {
  const id = `traced-${randomUUID().slice(0, 8)}`;
  const put = await app.inject({ method: 'PUT', url: `/api/v1/workflows/${id}`, payload: { id, tasks: [{ id: 'say', type: 'basic', tool: 'echo', with: { hello: 'trace' } }] } });
  expect(put.statusCode).toBe(201);
  const started = await app.inject({ method: 'POST', url: `/api/v1/workflows/${id}/executions`, payload: { input: {} } });
  expect(started.statusCode).toBe(202);
  const executionId = started.json<{ execution_id: string }>().execution_id;
  await waitFor(
    async () => {
      const res = await app.inject({ method: 'GET', url: `/api/v1/executions/${executionId}/status` });
      return res.json<{ status: string }>().status === 'completed';
    },
    { timeoutMs: 60_000, what: 'the traced execution to complete' },
  );

  const spans = await waitFor(
    async () => {
      await tracing.provider.forceFlush();
      const all = exporter.getFinishedSpans();
      return all.some((s) => s.name === 'RunActivity:runTask') ? all : undefined;
    },
    { timeoutMs: 30_000, what: 'the activity span' },
  );
  const request = spans.find((s) => s.name === 'request' && s.attributes['http.request.method'] === 'POST' && String(s.attributes['url.path'] ?? '').endsWith('/executions'));
  expect(request).toBeDefined();
  const traceId = request!.spanContext().traceId;
  const inTrace = spans.filter((s) => s.spanContext().traceId === traceId);
  const named = (name: string): ReadableSpan | undefined => inTrace.find((s) => s.name === name);
  for (const name of ['StartWorkflow:cadenzaInterpreter', 'RunWorkflow:cadenzaInterpreter', 'StartActivity:runTask', 'RunActivity:runTask']) {
    expect({ name, found: named(name) !== undefined }).toEqual({ name, found: true });
  }
  // Each step is a descendant of the one before it.
  const parentOf = (span: ReadableSpan): ReadableSpan | undefined => inTrace.find((s) => s.spanContext().spanId === span.parentSpanId);
  const ancestors = (span: ReadableSpan): string[] => {
    const names: string[] = [];
    for (let p = parentOf(span); p !== undefined; p = parentOf(p)) names.push(p.name);
    return names;
  };
  expect(ancestors(named('RunActivity:runTask')!)).toEqual(expect.arrayContaining(['StartActivity:runTask', 'RunWorkflow:cadenzaInterpreter', 'StartWorkflow:cadenzaInterpreter', 'request']));
  expect(named('RunActivity:runTask')!.resource.attributes['service.name']).toBe('cadenza-test');
});
