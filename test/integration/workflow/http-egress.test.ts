/**
 * The `http` tool's egress policy and response cap, through real executions on the Temporal dev
 * server. The only HTTP server is local, on 127.0.0.1; `localhost` is the second name for it.
 */
import { createServer, type ServerResponse, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { WorkflowFailedError } from '@temporalio/client';
import { EgressPolicy } from '../../../src/activities/tools/egress/policy';
import { parseEgressRules } from '../../../src/activities/tools/egress/rules';
import { taskContextQuery } from '../../../src/workflows/messages';
import { connectTestClient, startTestWorker, waitFor, type TestClient, type TestWorker } from '../harness';
import { definition, journal, startExecution } from './start-execution';

const CAP = 64 * 1024;
const retry = { initial_interval: '50ms', maximum_attempts: 3 };
const policy = (allow: string, deny: string) => new EgressPolicy({ allow: parseEgressRules(allow), deny: parseEgressRules(deny) });

let t: TestClient;
/** CADENZA_HTTP_ALLOW=127.0.0.1, CADENZA_HTTP_DENY=localhost, a 64 KiB cap. */
let byName: TestWorker;
/** CADENZA_HTTP_DENY=private: decided on the address a name resolves to. */
let byAddress: TestWorker;
let server: Server;
let port: number;
const hits: string[] = [];
const endless = { written: 0, closed: false };

function stream(res: ServerResponse): void {
  const chunk = Buffer.alloc(16 * 1024, 'x');
  res.writeHead(200, { 'content-type': 'text/plain' });
  res.on('close', () => (endless.closed = true));
  const pump = (): void => {
    while (!res.destroyed) {
      endless.written += chunk.length;
      if (!res.write(chunk)) return void res.once('drain', pump);
    }
  };
  pump();
}

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    hits.push(url.pathname);
    if (url.pathname === '/redirect') return void res.writeHead(302, { location: url.searchParams.get('to') ?? '/' }).end();
    if (url.pathname === '/endless') return stream(res);
    if (url.pathname === '/declared') return void res.writeHead(200, { 'content-length': 200_000 }).end(Buffer.alloc(200_000, 'y'));
    if (url.pathname === '/gzip-bomb') return void res.writeHead(200, { 'content-encoding': 'gzip' }).end(gzipSync(Buffer.alloc(10 * 1024 * 1024)));
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ path: url.pathname }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  t = await connectTestClient();
  byName = await startTestWorker({ http: { policy: policy('127.0.0.1', 'localhost'), maxResponseBytes: CAP } });
  byAddress = await startTestWorker({ http: { policy: policy('', 'private') } });
});

afterAll(async () => {
  await byName?.shutdown();
  await byAddress?.shutdown();
  await t?.close();
  await new Promise((resolve) => server?.close(resolve));
});

beforeEach(() => {
  hits.length = 0;
});

/** Runs one `http` task on `worker` and returns its context once the execution ended. */
async function runHttp(worker: TestWorker, url: string) {
  const handle = await startExecution(t.client, worker.taskQueue, definition({ tasks: [{ id: 'call', type: 'basic', tool: 'http', with: { url }, retry }] }));
  const outcome = await handle.result().then(
    (result) => ({ result, error: undefined }),
    (error: unknown) => ({ result: undefined, error }),
  );
  const ctx = await handle.query(taskContextQuery, 'call');
  const retries = (await journal(handle)).filter((e) => e.type === 'TaskRetryScheduled');
  return { ...outcome, ctx, retries };
}

describe('egress policy', () => {
  it('refuses a denied host: one attempt, a non-retryable HttpEgressDenied naming host and rule, no request sent', async () => {
    const run = await runHttp(byName, `http://localhost:${port}/secret`);
    expect(run.error).toBeInstanceOf(WorkflowFailedError);
    expect(run.ctx?.error).toMatchObject({
      type: 'HttpEgressDenied',
      non_retryable: true,
      message: `GET http://localhost:${port}/secret: egress to localhost is denied by CADENZA_HTTP_DENY: localhost`,
      details: { host: 'localhost', address: null, list: 'CADENZA_HTTP_DENY', rule: 'localhost' },
    });
    expect(run.ctx?.attempts).toBe(1);
    expect(run.retries).toHaveLength(0);
    expect(hits).toEqual([]);
  });

  it('refuses at connect time the address a name resolved to', async () => {
    const run = await runHttp(byAddress, `http://localhost:${port}/secret`);
    expect(run.ctx?.error).toMatchObject({ type: 'HttpEgressDenied', non_retryable: true, details: { host: 'localhost', list: 'CADENZA_HTTP_DENY' } });
    const details = run.ctx?.error?.details as { address: string; rule: string };
    expect(['127.0.0.1', '::1']).toContain(details.address);
    expect(details.rule).toMatch(/^private \((127\.0\.0\.0\/8|::1\/128)\)$/);
    expect(run.ctx?.error?.message).toContain(`egress to localhost (${details.address}) is denied by CADENZA_HTTP_DENY: private (`);
    expect(hits).toEqual([]);
  });

  it('checks every redirect hop: an allowed host redirecting to a denied one fails, the denied one is never contacted', async () => {
    const run = await runHttp(byName, `http://127.0.0.1:${port}/redirect?to=${encodeURIComponent(`http://localhost:${port}/secret`)}`);
    expect(run.ctx?.error).toMatchObject({ type: 'HttpEgressDenied', non_retryable: true, details: { host: 'localhost', rule: 'localhost' } });
    expect(run.ctx?.attempts).toBe(1);
    expect(hits).toEqual(['/redirect']);
  });

  it('follows redirects that stay within the policy', async () => {
    const run = await runHttp(byName, `http://127.0.0.1:${port}/redirect?to=/landed`);
    expect(run.error).toBeUndefined();
    expect(run.ctx?.output).toMatchObject({ status: 200, body: { path: '/landed' } });
    expect(hits).toEqual(['/redirect', '/landed']);
  });
});

describe('response cap', () => {
  it('stops reading an endless body at the cap: a non-retryable HttpResponseTooLarge, the connection closed', async () => {
    endless.written = 0;
    endless.closed = false;
    const run = await runHttp(byName, `http://127.0.0.1:${port}/endless`);
    expect(run.ctx?.error).toMatchObject({
      type: 'HttpResponseTooLarge',
      non_retryable: true,
      message: `GET http://127.0.0.1:${port}/endless: the response body is more than ${CAP} bytes (CADENZA_HTTP_MAX_RESPONSE_BYTES=${CAP})`,
      details: { limit: CAP, size: null },
    });
    expect(run.ctx?.attempts).toBe(1);
    expect(run.retries).toHaveLength(0);
    await waitFor(() => endless.closed, { what: 'the server to see the connection closed' });
    // The server wrote into socket buffers only: the client read about the cap, then hung up.
    expect(endless.written).toBeLessThan(32 * 1024 * 1024);
  });

  it('refuses a declared Content-Length over the cap without reading it, naming the size', async () => {
    const run = await runHttp(byName, `http://127.0.0.1:${port}/declared`);
    expect(run.ctx?.error).toMatchObject({ type: 'HttpResponseTooLarge', non_retryable: true, details: { limit: CAP, size: 200_000 } });
    expect(run.ctx?.error?.message).toContain(`the response body is 200000 bytes, more than ${CAP}`);
  });

  it('applies the cap to the decoded body: a small gzip bomb fails too', async () => {
    const run = await runHttp(byName, `http://127.0.0.1:${port}/gzip-bomb`);
    expect(run.ctx?.error).toMatchObject({ type: 'HttpResponseTooLarge', non_retryable: true, details: { limit: CAP, size: null } });
  });
});
