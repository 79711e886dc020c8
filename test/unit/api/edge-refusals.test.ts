/**
 * Refusals made outside the routes (by the body parsers, before routing, or by Node's HTTP parser)
 * are problem documents like every other error. The app is built over a lazy Temporal client that is
 * never used.
 */
import { connect } from 'node:net';
import { Client } from '@temporalio/client';
import { buildApp, type CadenzaApp } from '../../../src/api/app';
import { loadConfig } from '../../../src/config';
import { DefinitionStore } from '../../../src/definitions/store';

let app: CadenzaApp;

beforeAll(async () => {
  const client = new Client();
  const config = loadConfig({ LOG_LEVEL: 'silent' });
  app = await buildApp({ config, client, definitions: new DefinitionStore({ client, taskQueue: 'unused' }) });
  await app.listen({ host: '127.0.0.1', port: 0 });
});

afterAll(async () => {
  await app?.close();
});

function expectProblem(res: { statusCode: number; headers: Record<string, unknown>; body: string }, status: number, slug: string): void {
  expect(res.statusCode).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(JSON.parse(res.body)).toMatchObject({ type: `https://cadenza.dev/problems/${slug}`, status });
}

/** Sends raw bytes to the listening app and returns what comes back before it closes the socket. */
function raw(request: string): Promise<string> {
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('not listening');
  return new Promise((resolve, reject) => {
    const socket = connect(address.port, '127.0.0.1');
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk.toString()));
    socket.on('close', () => resolve(answer));
    socket.on('error', reject);
    socket.end(request);
  });
}

function parseRaw(answer: string): { statusCode: number; headers: Record<string, string>; body: string } {
  const [head = '', body = ''] = answer.split('\r\n\r\n');
  const [statusLine = '', ...lines] = head.split('\r\n');
  const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
  return { statusCode: Number(statusLine.split(' ')[1]), headers, body };
}

it('a URL that is not valid percent-encoding → 400 bad_request', async () => {
  expectProblem(await app.inject({ method: 'GET', url: '/api/v1/executions/%E0%A4%A/status' }), 400, 'bad_request');
});

it('a path parameter longer than 256 characters → 414 bad_request; up to 255 reaches the schema', async () => {
  expectProblem(await app.inject({ method: 'GET', url: `/api/v1/workflows/${'a'.repeat(300)}` }), 414, 'bad_request');
  expectProblem(await app.inject({ method: 'GET', url: `/api/v1/workflows/${'a'.repeat(200)}` }), 400, 'validation_error');
});

it('body parsers: text/plain and charsets other than UTF-8 are 415, invalid UTF-8 and nesting too deep 400', async () => {
  const validate = (payload: string | Buffer, contentType: string) => app.inject({ method: 'POST', url: '/api/v1/workflows/validate', payload, headers: { 'content-type': contentType } });
  expectProblem(await validate('id: x', 'text/plain'), 415, 'unsupported_media_type');
  expectProblem(await validate(Buffer.from('{}', 'utf16le'), 'application/json; charset=utf-16le'), 415, 'unsupported_media_type');
  expectProblem(await validate(Buffer.from([0x7b, 0xc3, 0x7d]), 'application/json'), 400, 'malformed_body');
  expectProblem(await validate(`{"input":${'['.repeat(65)}${']'.repeat(65)}}`, 'application/json'), 400, 'body_too_deep');
});

it('headers too large for Node → 431, and a request that is not HTTP → 400, both as problem documents', async () => {
  expectProblem(parseRaw(await raw(`GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`)), 431, 'bad_request');
  expectProblem(parseRaw(await raw('NOT HTTP AT ALL\r\n\r\n')), 400, 'bad_request');
});
