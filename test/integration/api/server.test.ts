/**
 * The API over real HTTP (`startServer`), the OpenAPI document and UI, and the registration of a
 * definitions directory at startup.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { type Config, loadConfig } from '../../../src/config';
import { registerDefinitionsFromDirectory } from '../../../src/definitions/bootstrap';
import { DefinitionError } from '../../../src/definitions/definition-error';
import { DefinitionStore } from '../../../src/definitions/store';
import { type RunningServer, startServer } from '../../../src/server';
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
    const definitions = new DefinitionStore({ client: t.client, taskQueue: worker.taskQueue, workflowId: `registry-${randomUUID()}` });
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
    store = new DefinitionStore({ client: t.client, taskQueue: worker.taskQueue, workflowId: `registry-${randomUUID()}` });
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
