/**
 * The console's routes over a lazy Temporal client that is never used: `/ui` serves the page and its
 * files with a same-origin Content-Security-Policy, the two vendored libraries come from this
 * package's node_modules, `settings.json` says whether to ask for a key, no path escapes `ui/`,
 * and `GET /api/v1/me` names the caller (401 without a valid key when auth is on).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@temporalio/client';
import fc from 'fast-check';
import { buildApp, type CadenzaApp } from '../../../src/api/app';
import { DEFAULT_UI_ROOT } from '../../../src/api/routes/console';
import { loadConfig } from '../../../src/config';
import { DefinitionStore } from '../../../src/definitions/store';

const keys = [
  { key: 'ops-key-0123456789abcdef00', name: 'ops', permissions: ['*'] },
  { key: 'alice-key-0123456789abcdef', name: 'alice', permissions: ['approvals:decide'], roles: ['finance'] },
];

async function build(withKeys: boolean): Promise<CadenzaApp> {
  const client = new Client();
  const config = loadConfig({ LOG_LEVEL: 'silent', ...(withKeys ? { CADENZA_API_KEYS: JSON.stringify(keys) } : {}) });
  return buildApp({ config, client, definitions: new DefinitionStore({ client, taskQueue: 'unused' }) });
}

let open: CadenzaApp;
let guarded: CadenzaApp;

beforeAll(async () => {
  [open, guarded] = await Promise.all([build(false), build(true)]);
});

afterAll(async () => {
  await Promise.all([open?.close(), guarded?.close()]);
});

describe('/ui', () => {
  it.each(['/ui', '/ui/'])('%s is the page, never cached stale, under a same-origin CSP', async (url) => {
    const res = await guarded.inject({ url });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.body).toBe(readFileSync(join(DEFAULT_UI_ROOT, 'index.html'), 'utf8'));
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.headers['content-security-policy']).toMatch(/^default-src 'self'; script-src 'self';/);
    expect(res.headers['content-security-policy']).toContain("connect-src 'self'");
    expect(res.headers['x-frame-options']).toBe('DENY');
  });

  it('serves every file of ui/ without a key, and the vendored ES modules', async () => {
    for (const file of ['app.js', 'api.js', 'inbox.js', 'styles.css']) {
      const res = await guarded.inject({ url: `/ui/${file}` });
      expect({ file, status: res.statusCode }).toEqual({ file, status: 200 });
      expect(res.headers['content-security-policy']).toBeDefined();
    }
    const preact = await guarded.inject({ url: '/ui/vendor/preact-htm.js' });
    expect(preact.statusCode).toBe(200);
    expect(preact.headers['content-type']).toMatch(/^text\/javascript/);
    expect(preact.body).toMatch(/export\s*\{[^}]*\bhtml\b/);
    const parser = await guarded.inject({ url: '/ui/vendor/eventsource-parser.js' });
    expect(parser.body).toContain('createParser');
  });

  it('every module the page imports is served (no import points elsewhere)', async () => {
    for (const file of ['app.js', 'api.js', 'inbox.js', 'executions.js', 'execution-page.js', 'actions.js', 'resume-form.js', 'task-context.js', 'schema-form.js', 'components.js']) {
      const source = readFileSync(join(DEFAULT_UI_ROOT, file), 'utf8');
      for (const [, spec] of source.matchAll(/^import [^'"]*['"]([^'"]+)['"]/gm)) {
        expect(spec).toMatch(/^(\.\/|\/ui\/vendor\/)/);
        const url = spec!.startsWith('./') ? `/ui/${spec!.slice(2)}` : spec!;
        expect({ url, status: (await guarded.inject({ url })).statusCode }).toEqual({ url, status: 200 });
      }
    }
  });

  it('settings.json tells the page whether to ask for a key', async () => {
    expect((await guarded.inject({ url: '/ui/settings.json' })).json()).toEqual({ authentication: 'on' });
    expect((await open.inject({ url: '/ui/settings.json' })).json()).toEqual({ authentication: 'off' });
  });

  it('no path outside ui/ is served, however it is spelled', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('..', '%2e%2e', '%2E%2E', '.%2e', '..%2f..', '%2e%2e%2f%2e%2e', '..\\..', '....//'),
        fc.constantFrom('package.json', 'src/config.ts', '.env', 'node_modules/htm/package.json'),
        fc.integer({ min: 1, max: 3 }),
        async (up, target, depth) => {
          const url = `/ui/${Array.from({ length: depth }, () => up).join('/')}/${target}`;
          const res = await open.inject({ url });
          expect({ url, refused: [400, 403, 404].includes(res.statusCode) }).toEqual({ url, refused: true });
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('GET /api/v1/me', () => {
  it('names the caller from its key, and is 401 without a valid one', async () => {
    const alice = await guarded.inject({ url: '/api/v1/me', headers: { authorization: `Bearer ${keys[1]!.key}` } });
    expect(alice.json()).toEqual({ name: 'alice', roles: ['finance'], permissions: ['approvals:decide'], authentication: 'on' });
    expect((await guarded.inject({ url: '/api/v1/me' })).statusCode).toBe(401);
    expect((await guarded.inject({ url: '/api/v1/me', headers: { 'x-api-key': 'wrong-key-0123456789abc' } })).statusCode).toBe(401);
  });

  it('is the anonymous caller with every permission when auth is off', async () => {
    const me = (await open.inject({ url: '/api/v1/me' })).json<{ name: string; permissions: string[]; authentication: string }>();
    expect(me).toMatchObject({ name: 'anonymous', authentication: 'off' });
    expect(me.permissions).toContain('execution:resume');
  });
});
