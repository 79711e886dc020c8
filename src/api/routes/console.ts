/**
 * The operator console (docs/design.md §10): the static files of `ui/` under `/ui/`, same origin and
 * same API keys as the REST API, with no build step. Its two libraries are served from this
 * package's own dependencies under `/ui/vendor/`, so the browser loads nothing from any other host;
 * a Content-Security-Policy of `'self'` holds it to that.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync } from 'fastify';

/** Where the console's sources live: `ui/` at the package root (the same depth from `src/` and `dist/`). */
export const DEFAULT_UI_ROOT = resolve(__dirname, '../../../ui');

/** The browser libraries, as ES modules from node_modules: Preact with htm, and an SSE parser. */
function vendorFiles(): Record<string, string> {
  return {
    'preact-htm.js': join(dirname(require.resolve('htm')), '..', 'preact', 'standalone.module.js'),
    'eventsource-parser.js': join(dirname(require.resolve('eventsource-parser/package.json')), 'dist', 'index.js'),
  };
}

/** Everything under /ui: its own origin only, never framed, no referrer. */
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
} as const;

/** Options of `consoleRoutes`. */
export interface ConsoleRoutesOptions {
  /** Whether API keys are configured: the page then asks for one before anything else. */
  authentication: boolean;
  /** Folder of the console's files (default `DEFAULT_UI_ROOT`). */
  root?: string;
}

/** Registers `/ui/` (index.html), its files, and `/ui/vendor/*`. Open like `/docs`: the page asks for a key itself. */
export const consoleRoutes: FastifyPluginAsync<ConsoleRoutesOptions> = async (app, options) => {
  app.addHook('onSend', async (_request, reply) => {
    reply.headers(SECURITY_HEADERS);
  });
  const vendor = Object.entries(vendorFiles()).map(([name, path]) => [name, readFileSync(path)] as const);
  for (const [name, body] of vendor) {
    app.get(`/ui/vendor/${name}`, { schema: { hide: true } }, (_request, reply) =>
      reply.type('text/javascript; charset=utf-8').header('cache-control', 'public, max-age=3600').send(body),
    );
  }
  // Whether to show the sign-in form, known before any key is sent (so the page's first call is not a 401).
  const settings = { authentication: options.authentication ? 'on' : 'off' };
  app.get('/ui/settings.json', { schema: { hide: true } }, (_request, reply) => reply.header('cache-control', 'no-store').send(settings));
  const root = options.root ?? DEFAULT_UI_ROOT;
  // `/ui` and `/ui/` (one route: the router ignores trailing slashes) are the page itself.
  app.get('/ui', { schema: { hide: true } }, async (_request, reply) =>
    reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(await readFile(join(root, 'index.html'))),
  );
  await app.register(fastifyStatic, {
    root,
    prefix: '/ui/',
    index: 'index.html',
    decorateReply: false,
    // Revalidated on every load (ETag), so a new release is seen at once.
    maxAge: 0,
    etag: true,
    schemaHide: true,
  });
};
