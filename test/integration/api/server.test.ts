/**
 * The API over real HTTP (`startServer`), the OpenAPI document and UI, and the registration of a
 * definitions directory at startup.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { msToTs } from '@temporalio/common/lib/time';
import { stringify } from 'yaml';
import { type Config, loadConfig } from '../../../src/config';
import { registerDefinitionsFromDirectory } from '../../../src/definitions/bootstrap';
import { DefinitionError } from '../../../src/definitions/definition-error';
import { DefinitionStore } from '../../../src/definitions/store';
import { type RunningServer, StartupError, startServer } from '../../../src/server';
import { cadenzaSearchAttributes } from '../../../src/workflows/search-attributes';
import { connectTestClient, startTestWorker, waitFor, type TestClient, type TestWorker } from '../harness';
import { sampleDefinition } from './api-context';

jest.setTimeout(60_000);

let t: TestClient;
let worker: TestWorker;
let config: Config;

beforeAll(async () => {
  t = await connectTestClient();
  worker = await startTestWorker();
  config = loadConfig({
    CADENZA_TASK_QUEUE: worker.taskQueue,
    TEMPORAL_ADDRESS: t.address,
    TEMPORAL_NAMESPACE: t.namespace,
    LOG_LEVEL: 'silent',
  });
});

afterAll(async () => {
  await worker?.shutdown();
  await t?.close();
});

describe('startServer over HTTP', () => {
  let server: RunningServer;

  beforeAll(async () => {
    const definitions = new DefinitionStore({ client: t.client, taskQueue: worker.taskQueue, registryId: `registry-${randomUUID()}` });
    let announced: string | undefined;
    // Connects on its own (TEMPORAL_ADDRESS) so close() also closes that connection.
    server = await startServer(config, { port: 0, definitions, onReady: ({ url }) => (announced = url) });
    expect(announced).toBe(server.url);
  });

  afterAll(async () => {
    await server?.close();
  });

  it('listens on loopback and serves health, readiness and the API', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const health = await fetch(`${server.url}/healthz`);
    expect(await health.json()).toEqual({ status: 'ok' });
    const ready = await waitFor(async () => {
      const res = await fetch(`${server.url}/readyz`);
      return res.status === 200 ? ((await res.json()) as Record<string, unknown>) : undefined;
    });
    expect(ready).toMatchObject({ status: 'ready', task_queue: worker.taskQueue });

    const put = await fetch(`${server.url}/api/v1/workflows/over-http`, {
      method: 'PUT',
      headers: { 'content-type': 'application/yaml' },
      body: stringify(sampleDefinition('over-http')),
    });
    expect(put.status).toBe(201);
    const trigger = await fetch(`${server.url}/api/v1/workflows/over-http/executions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': 'http-1' },
      body: JSON.stringify({ input: { n: 5 } }),
    });
    expect(trigger.status).toBe(202);
    const { execution_id: id } = (await trigger.json()) as { execution_id: string };
    const status = await waitFor(async () => {
      const res = await fetch(`${server.url}/api/v1/executions/${id}/status`);
      const body = (await res.json()) as { status: string };
      return body.status === 'completed' ? body : undefined;
    });
    expect(status).toMatchObject({ execution_id: id, status: 'completed' });
  });

  it('answers problems over HTTP with application/problem+json', async () => {
    const res = await fetch(`${server.url}/api/v1/workflows/over-http`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{' });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await res.json()).toMatchObject({ type: 'https://cadenza.dev/problems/malformed_body', status: 400 });
  });

  it('serves the OpenAPI document at /docs/json and the UI at /docs', async () => {
    const res = await fetch(`${server.url}/docs/json`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { openapi: string; paths: Record<string, Record<string, unknown>>; components: { schemas: Record<string, unknown> } };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/healthz',
        '/readyz',
        '/api/v1/workflows',
        '/api/v1/workflows/{id}',
        '/api/v1/workflows/validate',
        '/api/v1/workflows/{id}/executions',
        '/api/v1/executions',
        '/api/v1/executions/{id}',
        '/api/v1/executions/{id}/status',
        '/api/v1/executions/{id}/events',
        '/api/v1/executions/{id}/tasks/{taskId}/context',
        '/api/v1/executions/{id}/cancel',
        '/api/v1/executions/{id}/pause',
        '/api/v1/executions/{id}/resume',
        '/api/v1/executions/{id}/tasks/{taskId}/resume',
        '/api/v1/executions/{id}/approvals/{taskId}',
        '/api/v1/executions/{id}/signals/{name}',
        '/api/v1/approvals',
      ]),
    );
    expect(doc.components.schemas).toHaveProperty('ResumePlan');
    expect(doc.components.schemas).toHaveProperty('PendingApproval');
    expect(doc.paths['/api/v1/workflows/{id}']).toHaveProperty('put');
    expect(doc.components.schemas).toHaveProperty('Problem');
    const ui = await fetch(`${server.url}/docs`);
    expect(ui.status).toBe(200);
    expect(await ui.text()).toMatch(/swagger/i);
  });
});

describe('registerDefinitionsFromDirectory', () => {
  let dir: string;
  let store: DefinitionStore;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cadenza-defs-'));
    store = new DefinitionStore({ client: t.client, taskQueue: worker.taskQueue, registryId: `registry-${randomUUID()}` });
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('registers every file, is a no-op on the next start, and reports a conflicting file without throwing', async () => {
    await writeFile(join(dir, 'a.yaml'), stringify(sampleDefinition('boot-a')));
    await writeFile(join(dir, 'b.yaml'), stringify({ ...sampleDefinition('boot-b'), version: 1 }));
    const first = await registerDefinitionsFromDirectory(t.client, config, { store, dir });
    expect(first.map(({ id, version, outcome }) => ({ id, version, outcome }))).toEqual([
      { id: 'boot-a', version: 1, outcome: 'created' },
      { id: 'boot-b', version: 1, outcome: 'created' },
    ]);

    const second = await registerDefinitionsFromDirectory(t.client, config, { store, dir });
    expect(second.map((r) => r.outcome)).toEqual(['unchanged', 'unchanged']);

    await writeFile(join(dir, 'b.yaml'), stringify({ ...sampleDefinition('boot-b', { description: 'edited' }), version: 1 }));
    const third = await registerDefinitionsFromDirectory(t.client, config, { store, dir });
    expect(third[1]).toMatchObject({ id: 'boot-b', version: null, outcome: 'conflict', detail: expect.stringContaining('different body') });
  });

  it('throws DefinitionError naming the file for an invalid definition', async () => {
    const bad = await mkdtemp(join(tmpdir(), 'cadenza-bad-'));
    try {
      await writeFile(join(bad, 'broken.yaml'), 'id: broken\ntasks: []\n');
      await expect(registerDefinitionsFromDirectory(t.client, config, { store, dir: bad })).rejects.toThrow(DefinitionError);
      await expect(registerDefinitionsFromDirectory(t.client, config, { store, dir: bad })).rejects.toThrow(/broken\.yaml/);
    } finally {
      await rm(bad, { recursive: true, force: true });
    }
  });

  it('registers nothing when the directory does not exist', async () => {
    expect(await registerDefinitionsFromDirectory(t.client, config, { store, dir: join(dir, 'missing') })).toEqual([]);
  });
});

describe('search attributes at startup', () => {
  /** A server whose log lines land in `lines`. */
  function capture(): { lines: Array<Record<string, unknown>>; logger: pino.Logger } {
    const lines: Array<Record<string, unknown>> = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
        done();
      },
    });
    return { lines, logger: pino({ level: 'info' }, sink) };
  }

  it('adds the attributes a namespace lacks, logs what it added, and adds nothing the next time', async () => {
    const namespace = `sa-${randomUUID().slice(0, 8)}`;
    await t.client.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs('1 day') });
    // A new namespace takes a moment to reach every server component.
    await waitFor(() => t.connection.operatorService.listSearchAttributes({ namespace }).then(() => true), { what: 'the namespace', timeoutMs: 30_000 });
    const nsConfig = loadConfig({ ...configEnv(), TEMPORAL_NAMESPACE: namespace });
    const definitions = new DefinitionStore({ client: t.client, taskQueue: worker.taskQueue, registryId: `registry-${randomUUID()}` });

    const first = capture();
    const server = await startServer(nsConfig, { port: 0, definitions, logger: first.logger });
    await server.close();
    const listed = await t.connection.operatorService.listSearchAttributes({ namespace });
    for (const { name } of cadenzaSearchAttributes) expect(listed.customAttributes).toHaveProperty(name);
    expect(first.lines.find((l) => Array.isArray(l.added))).toMatchObject({ added: cadenzaSearchAttributes.map((a) => a.name), namespace });

    const second = capture();
    const again = await startServer(nsConfig, { port: 0, definitions, logger: second.logger });
    await again.close();
    expect(second.lines.filter((l) => Array.isArray(l.added))).toEqual([]);
  });

  it('fails startup with one line when they cannot be ensured', async () => {
    const broken = loadConfig({ ...configEnv(), TEMPORAL_NAMESPACE: `missing-${randomUUID().slice(0, 8)}` });
    const attempt = startServer(broken, { port: 0 });
    await expect(attempt).rejects.toThrow(StartupError);
    await expect(attempt).rejects.toThrow(/^cannot ensure Cadenza's search attributes on 127\.0\.0\.1:\d+ \(namespace "missing-[0-9a-f]+"\): [^\n]+$/);
  });

  function configEnv(): Record<string, string> {
    return { CADENZA_TASK_QUEUE: worker.taskQueue, TEMPORAL_ADDRESS: t.address, LOG_LEVEL: 'silent' };
  }
});
