/**
 * NATS credentials in NATS_URL (user and password, or a token) against a nats-server that requires
 * them: they are used (the API's command intake, the worker's event publishing and the API server
 * connect), and never printed: every log line (the EventsLog, the API's pino output) and everything
 * written to stdout or stderr meanwhile is captured and searched for them.
 */
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import pino from 'pino';
import { type Config, loadConfig } from '../../../src/config';
import { DefinitionStore } from '../../../src/definitions/store';
import { startCommandIntake } from '../../../src/events/command-intake';
import { startEventPublishing } from '../../../src/events/event-publishing';
import type { EventsLog } from '../../../src/events/events-log';
import { startServer } from '../../../src/server';
import { connectTestClient, type TestClient, waitFor } from '../harness';
import { testPrefix } from './nats-context';
import { NatsTestServer } from './nats-test-server';

jest.setTimeout(60_000);

/** A password with characters that must be percent-encoded in the URL. */
const PASSWORD = 's3cr3t/Pa55:w0rd';
const TOKEN = 'tok3n-7f3c0e5d9a8b4c21';

let t: TestClient;
const written: string[] = [];
const originals = { out: process.stdout.write.bind(process.stdout), err: process.stderr.write.bind(process.stderr) };

beforeAll(async () => {
  t = await connectTestClient();
  // Everything the process prints from here on is kept (and still printed).
  const tee = (original: typeof originals.out) =>
    ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      written.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      return (original as (...args: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof process.stdout.write;
  process.stdout.write = tee(originals.out);
  process.stderr.write = tee(originals.err);
});

afterAll(async () => {
  process.stdout.write = originals.out;
  process.stderr.write = originals.err;
  await t?.close();
});

/** An EventsLog that keeps every line, message and error. */
function capturingLog(into: string[]): EventsLog {
  return (level, message, error) => into.push(`${level} ${message}${error === undefined ? '' : ` ${error instanceof Error ? `${error.message} ${error.stack ?? ''}` : JSON.stringify(error)}`}`);
}

function configFor(url: string): Config {
  return loadConfig({ TEMPORAL_NAMESPACE: t.namespace, CADENZA_TASK_QUEUE: `cred-${randomUUID()}`, LOG_LEVEL: 'trace', NATS_URL: url, CADENZA_NATS_PREFIX: testPrefix() });
}

/** Asserts `secret` appears in none of the captured text, in any form it was given. */
function expectNowhere(captured: readonly string[], ...secrets: string[]): void {
  const all = [...captured, ...written].join('\n');
  for (const secret of secrets) expect(all).not.toContain(secret);
}

describe('user and password in the URL', () => {
  let nats: NatsTestServer;
  beforeAll(async () => {
    nats = await NatsTestServer.start(['--user', 'alice', '--pass', PASSWORD]);
  });
  afterAll(async () => {
    await nats?.dispose();
  });
  const url = () => `nats://alice:${encodeURIComponent(PASSWORD)}@127.0.0.1:${nats.port}`;

  it('connects the command intake and event publishing with them, and logs neither', async () => {
    const lines: string[] = [];
    const config = configFor(url());
    const definitions = new DefinitionStore({ client: t.client, taskQueue: config.CADENZA_TASK_QUEUE });
    const intake = startCommandIntake({ config, client: t.client, definitions, log: capturingLog(lines) });
    const publishing = startEventPublishing({ config, client: t.client, taskQueue: config.CADENZA_TASK_QUEUE, log: capturingLog(lines) });
    try {
      expect(await intake.link.whenUsable(15_000)).toBe(true);
      expect(await publishing.link.whenUsable(15_000)).toBe(true);
    } finally {
      await intake.close();
      await publishing.close();
    }
    expect(lines.filter((l) => l.includes(`NATS: connected to 127.0.0.1:${nats.port}`))).toHaveLength(2);
    expectNowhere(lines, PASSWORD, encodeURIComponent(PASSWORD));
  });

  it('keeps them out of the API server log', async () => {
    const chunks: string[] = [];
    const logger = pino({ level: 'trace' }, new Writable({ write: (chunk: Buffer, _encoding, done) => done(void chunks.push(chunk.toString())) }));
    const server = await startServer(configFor(url()), { client: t.client, port: 0, ensureSearchAttributes: false, logger });
    try {
      await waitFor(() => chunks.some((c) => c.includes('NATS: connected to')), { what: 'the API connected to NATS', timeoutMs: 15_000 });
    } finally {
      await server.close();
    }
    expectNowhere(chunks, PASSWORD, encodeURIComponent(PASSWORD));
  });

  it('logs a wrong password without showing it', async () => {
    const lines: string[] = [];
    const wrong = 'wr0ng-Pa55w0rd-9d8c';
    const config = configFor(`nats://alice:${wrong}@127.0.0.1:${nats.port}`);
    const publishing = startEventPublishing({ config, client: t.client, taskQueue: config.CADENZA_TASK_QUEUE, log: capturingLog(lines) });
    try {
      expect(await publishing.link.whenUsable(3_000)).toBe(false);
    } finally {
      await publishing.close();
    }
    expect(lines).toContainEqual(expect.stringMatching(/^warn NATS: giving up connecting to nats:\/\/alice:\*\*\*@127\.0\.0\.1:\d+: Authorization Violation/));
    expectNowhere(lines, wrong);
  });
});

describe('a token in the URL', () => {
  let nats: NatsTestServer;
  beforeAll(async () => {
    nats = await NatsTestServer.start(['--auth', TOKEN]);
  });
  afterAll(async () => {
    await nats?.dispose();
  });

  it('connects with it and never logs it', async () => {
    const lines: string[] = [];
    const config = configFor(`nats://${TOKEN}@127.0.0.1:${nats.port}`);
    const publishing = startEventPublishing({ config, client: t.client, taskQueue: config.CADENZA_TASK_QUEUE, log: capturingLog(lines) });
    try {
      expect(await publishing.link.whenUsable(15_000)).toBe(true);
    } finally {
      await publishing.close();
    }
    expect(lines.some((l) => l.includes('NATS: connected to'))).toBe(true);
    expectNowhere(lines, TOKEN);
  });
});
