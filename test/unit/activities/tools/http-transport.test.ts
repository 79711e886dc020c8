/**
 * The `http` tool's transport: redirects followed hop by hop as fetch follows them, and the
 * streaming body cap. The only server is local, on 127.0.0.1 (`localhost` names it as another origin).
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { createEgressAgents } from '../../../../src/activities/tools/egress/agent';
import { EgressPolicy } from '../../../../src/activities/tools/egress/policy';
import { readBodyCapped, ResponseTooLargeError } from '../../../../src/activities/tools/http-body';
import { RedirectError, sendHttpRequest, type HttpTransport } from '../../../../src/activities/tools/http-request';

let server: Server;
let port: number;
const seen: Array<{ method: string; path: string; headers: IncomingMessage['headers']; body: string }> = [];
const transport: HttpTransport = { agents: createEgressAgents(EgressPolicy.open), maxResponseBytes: 1024, maxRedirects: 3 };

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      seen.push({ method: req.method ?? '', path: url.pathname, headers: req.headers, body });
      const to = url.searchParams.get('to');
      const status = Number(url.searchParams.get('status') ?? 302);
      if (url.pathname === '/redirect' && to !== null) return void res.writeHead(status, { location: to }).end();
      if (url.pathname === '/loop') return void res.writeHead(302, { location: '/loop' }).end();
      res.writeHead(200, { 'content-type': 'text/plain', 'x-twice': ['a', 'b'] }).end('done');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));
beforeEach(() => {
  seen.length = 0;
});

const send = (method: string, url: string, headers: Record<string, string> = {}, body?: string) =>
  sendHttpRequest({ method, url: new URL(url), headers, body, signal: AbortSignal.timeout(5_000) }, transport);

describe('redirects', () => {
  it('turn a POST into a GET without body on 303 (and 301/302), keep it on 307/308', async () => {
    for (const status of [301, 302, 303]) {
      seen.length = 0;
      const done = await send('POST', `http://127.0.0.1:${port}/redirect?status=${status}&to=/landed`, { 'content-type': 'application/json' }, '{"a":1}');
      expect(done).toMatchObject({ status: 200, url: new URL(`http://127.0.0.1:${port}/landed`) });
      expect(seen[1]).toMatchObject({ method: 'GET', path: '/landed', body: '' });
      expect(seen[1]?.headers['content-type']).toBeUndefined();
    }
    for (const status of [307, 308]) {
      seen.length = 0;
      await send('POST', `http://127.0.0.1:${port}/redirect?status=${status}&to=/landed`, { 'content-type': 'application/json' }, '{"a":1}');
      expect(seen[1]).toMatchObject({ method: 'POST', path: '/landed', body: '{"a":1}', headers: { 'content-type': 'application/json' } });
    }
  });

  it('drop credentials when the origin changes, keep the other headers', async () => {
    const headers = { authorization: 'Bearer secret', cookie: 'session=1', 'idempotency-key': 'k-1' };
    await send('GET', `http://127.0.0.1:${port}/redirect?to=/same`, headers);
    expect(seen[1]?.headers).toMatchObject(headers);
    seen.length = 0;
    await send('GET', `http://127.0.0.1:${port}/redirect?to=${encodeURIComponent(`http://localhost:${port}/other`)}`, headers);
    expect(seen[1]?.path).toBe('/other');
    expect(seen[1]?.headers.authorization).toBeUndefined();
    expect(seen[1]?.headers.cookie).toBeUndefined();
    expect(seen[1]?.headers['idempotency-key']).toBe('k-1');
  });

  it('stop after maxRedirects, and refuse a Location that is not http(s)', async () => {
    await expect(send('GET', `http://127.0.0.1:${port}/loop`)).rejects.toThrow(new RedirectError('more than 3 redirects (the last to /loop)'));
    expect(seen).toHaveLength(4);
    await expect(send('GET', `http://127.0.0.1:${port}/redirect?to=${encodeURIComponent('file:///etc/passwd')}`)).rejects.toThrow('redirected to a file: URL, not http(s)');
  });

  it('return the final response with flattened headers', async () => {
    const done = await send('GET', `http://127.0.0.1:${port}/plain`);
    expect(done.body.toString()).toBe('done');
    expect(done.headers).toMatchObject({ 'content-type': 'text/plain', 'x-twice': 'a, b' });
  });
});

/** A stand-in for a response: the chunks, and the headers readBodyCapped reads. */
function fakeResponse(chunks: Buffer[], headers: Record<string, string> = {}): IncomingMessage {
  return Object.assign(Readable.from(chunks), { headers, complete: true }) as unknown as IncomingMessage;
}

describe('readBodyCapped', () => {
  it('returns a body of at most the limit, whole, and refuses one byte more, however it is chunked', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 4096 }), fc.array(fc.integer({ min: 0, max: 700 }), { maxLength: 12 }), async (limit, sizes) => {
        const chunks = sizes.map((n, i) => Buffer.alloc(n, i % 256));
        const total = sizes.reduce((a, b) => a + b, 0);
        const reading = readBodyCapped(fakeResponse(chunks), limit);
        if (total <= limit) expect(Buffer.compare(await reading, Buffer.concat(chunks))).toBe(0);
        else await expect(reading).rejects.toEqual(new ResponseTooLargeError(limit, undefined));
      }),
    );
  });

  it('refuses a declared length over the limit before reading, naming it', async () => {
    const error: unknown = await readBodyCapped(fakeResponse([Buffer.alloc(10)], { 'content-length': '5000000000' }), 1024).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResponseTooLargeError);
    expect(error).toMatchObject({ limit: 1024, size: 5_000_000_000, message: 'the response body is 5000000000 bytes, more than 1024' });
  });
});
