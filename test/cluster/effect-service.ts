/**
 * The test service the cluster suites' `http` tasks call: it performs a "side effect" once per
 * `Idempotency-Key` and counts every delivery, so a test can tell a safe redelivery (same key again)
 * from a duplicate side effect (the same task of the same execution done under two keys). `POST
 * /effect` applies; `POST /refuse` answers 422 (a non-retryable failure, for repairs). Loopback only.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One applied side effect. */
export interface Effect {
  key: string;
  /** The JSON body of the first delivery. */
  body: Record<string, unknown>;
  /** How many requests carried this key (1 = delivered once). */
  deliveries: number;
}

/** The running service. */
export interface EffectService {
  url: string;
  effects: Map<string, Effect>;
  /** Requests that came without an Idempotency-Key. */
  unkeyed: number;
  close(): Promise<void>;
}

/** Starts the service on a free loopback port. */
export async function startEffectService(): Promise<EffectService> {
  const effects = new Map<string, Effect>();
  const state = { unkeyed: 0 };
  const server: Server = createServer((req, res) => {
    void readBody(req).then((text) => {
      const key = req.headers['idempotency-key'];
      if (req.url === '/refuse') {
        res.writeHead(422, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'refused' }));
        return;
      }
      if (typeof key !== 'string' || key === '') {
        state.unkeyed += 1;
        res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'Idempotency-Key required' }));
        return;
      }
      const known = effects.get(key);
      if (known) known.deliveries += 1;
      else effects.set(key, { key, body: parse(text), deliveries: 1 });
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ key, applied: known === undefined }));
    });
  });
  server.keepAliveTimeout = 1_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    effects,
    get unkeyed() {
      return state.unkeyed;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', () => resolve(''));
  });
}

function parse(text: string): Record<string, unknown> {
  try {
    const value = JSON.parse(text) as unknown;
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
