/**
 * Refusals made outside the routes (by the body parsers, before routing, or by Node's HTTP parser)
 * are problem documents like every other error. The app is built over a lazy Temporal client that is
 * never used.
 */
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

it('body parsers: text/plain and charsets other than UTF-8 are 415, invalid UTF-8 and nesting too deep 400', async () => {
  const validate = (payload: string | Buffer, contentType: string) => app.inject({ method: 'POST', url: '/api/v1/workflows/validate', payload, headers: { 'content-type': contentType } });
  expectProblem(await validate('id: x', 'text/plain'), 415, 'unsupported_media_type');
  expectProblem(await validate(Buffer.from('{}', 'utf16le'), 'application/json; charset=utf-16le'), 415, 'unsupported_media_type');
  expectProblem(await validate(Buffer.from([0x7b, 0xc3, 0x7d]), 'application/json'), 400, 'malformed_body');
  expectProblem(await validate(`{"input":${'['.repeat(65)}${']'.repeat(65)}}`, 'application/json'), 400, 'body_too_deep');
});
