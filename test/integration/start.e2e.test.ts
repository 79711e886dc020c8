/**
 * `npm start` end to end: the embedded Temporal dev server, the worker and the API come up, an example
 * workflow runs through REST, Ctrl-C stops everything with exit 0 and leaves no process behind, and a
 * restart on the same data directory still knows the execution.
 *
 * It runs what `npm start` runs (`tsx src/main.ts`) in its own process group and signals the group,
 * as a terminal's Ctrl-C does. (Through npm itself, dash turns any Ctrl-C into exit 130 unless the
 * script execs tsx.)
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { findFreePorts } from '../../src/temporal/find-free-port';
import { waitFor } from './harness';

const root = resolve(__dirname, '../..');

jest.setTimeout(240_000);

interface Started {
  child: ChildProcess;
  apiUrl: string;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

let ports: { api: number; temporal: number; ui: number };
let dataDir: string;
const launched: ChildProcess[] = [];

beforeAll(async () => {
  const [api, temporal, ui] = await findFreePorts(3);
  ports = { api: api!, temporal: temporal!, ui: ui! };
  dataDir = await mkdtemp(join(tmpdir(), 'cadenza-start-'));
});

afterAll(async () => {
  // Only if an assertion failed half way: never leave a Cadenza running.
  for (const child of launched) if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGKILL');
  await rm(dataDir, { recursive: true, force: true });
});

async function start(): Promise<Started> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    CADENZA_PORT: String(ports.api),
    TEMPORAL_PORT: String(ports.temporal),
    TEMPORAL_UI_PORT: String(ports.ui),
    CADENZA_DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
  };
  delete env.TEMPORAL_ADDRESS;
  const child = spawn(join(root, 'node_modules/.bin/tsx'), ['src/main.ts'], { cwd: root, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  launched.push(child);
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => child.once('exit', (code, signal) => done({ code, signal })));
  await waitFor(
    () => {
      if (child.exitCode !== null) throw new Error(`npm start exited with ${child.exitCode}:\n${output}`);
      return output.includes('Cadenza is ready');
    },
    { timeoutMs: 180_000, intervalMs: 200, what: '"Cadenza is ready"' },
  ).catch((error: Error) => {
    throw new Error(`${error.message}\n--- output ---\n${output}`);
  });
  return { child, apiUrl: `http://127.0.0.1:${ports.api}`, output: () => output, exited };
}

/** Pids of every live descendant of `pid` (Linux /proc), zombies excluded. */
async function descendants(pid: number): Promise<number[]> {
  const parentOf = new Map<number, number>();
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = await readFile(`/proc/${name}/stat`, 'utf8').catch(() => '');
    // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so split after the last ')'.
    const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (state && state !== 'Z') parentOf.set(Number(name), Number(ppid));
  }
  const found: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const current = queue.shift()!;
    for (const [child, parent] of parentOf) {
      if (parent === current) {
        found.push(child);
        queue.push(child);
      }
    }
  }
  return found;
}

async function descendantAlive(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  return stat !== '' && stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
}

/** Ctrl-C in a terminal: SIGINT to the whole foreground process group. */
async function ctrlC(started: Started): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  process.kill(-started.child.pid!, 'SIGINT');
  return started.exited;
}

let executionId: string;

it('starts everything, prints every URL, runs an example workflow through REST and stops cleanly on Ctrl-C', async () => {
  const cadenza = await start();
  const out = cadenza.output();
  expect(out).toContain(`${cadenza.apiUrl}/api/v1`);
  expect(out).toContain(`${cadenza.apiUrl}/docs`);
  expect(out).toContain(`${cadenza.apiUrl}/ui`);
  // The console needs no build step: `npm start` serves it, libraries included.
  const page = await fetch(`${cadenza.apiUrl}/ui/`);
  expect({ status: page.status, type: page.headers.get('content-type') }).toEqual({ status: 200, type: 'text/html; charset=utf-8' });
  expect((await fetch(`${cadenza.apiUrl}/ui/vendor/preact-htm.js`)).status).toBe(200);
  expect(out).toContain(`http://127.0.0.1:${ports.ui}`);
  expect(out).toContain(`127.0.0.1:${ports.temporal}`);
  expect(out).toMatch(/Cadenza is ready \(started in [\d.]+s\)/);
  expect(out).toContain('http-chain v1');

  const processes = await descendants(cadenza.child.pid!);
  const serverLine = (await Promise.all(processes.map((pid) => readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')))).find((cmd) =>
    cmd.includes('start-dev'),
  );
  expect(serverLine).toContain(join(dataDir, 'temporal.sqlite'));

  const trigger = await fetch(`${cadenza.apiUrl}/api/v1/workflows/http-chain/executions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ input: { base_url: cadenza.apiUrl } }),
  });
  expect(trigger.status).toBe(202);
  executionId = ((await trigger.json()) as { execution_id: string }).execution_id;

  const finished = await waitFor(
    async () => {
      const response = await fetch(`${cadenza.apiUrl}/api/v1/executions/${encodeURIComponent(executionId)}/status`);
      const body = (await response.json()) as { status: string };
      return ['completed', 'failed', 'cancelled', 'timed_out'].includes(body.status) && body;
    },
    { timeoutMs: 30_000, what: 'the execution to finish' },
  );
  expect(finished.status).toBe('completed');
  const execution = (await (await fetch(`${cadenza.apiUrl}/api/v1/executions/${encodeURIComponent(executionId)}`)).json()) as { outputs: unknown };
  expect(execution.outputs).toMatchObject({ healthy: true, workflows: expect.arrayContaining(['http-chain']) });

  const exit = await ctrlC(cadenza);
  expect(exit).toEqual({ code: 0, signal: null });
  const stopped = cadenza.output();
  expect(stopped.indexOf('stopped API')).toBeLessThan(stopped.indexOf('stopped worker'));
  expect(stopped.indexOf('stopped worker')).toBeLessThan(stopped.indexOf('stopped Temporal dev server'));
  await waitFor(async () => (await Promise.all(processes.map((pid) => descendantAlive(pid)))).every((alive) => !alive), {
    timeoutMs: 5_000,
    what: 'every child process to be gone',
  });
});

it('finds the earlier execution after a restart on the same data directory', async () => {
  expect(executionId).toBeDefined();
  const cadenza = await start();
  const response = await fetch(`${cadenza.apiUrl}/api/v1/executions/${encodeURIComponent(executionId)}/status`);
  expect(response.status).toBe(200);
  expect(await response.json()).toMatchObject({ execution_id: executionId, status: 'completed' });
  expect(await ctrlC(cadenza)).toEqual({ code: 0, signal: null });
});

it('refuses to start when the Temporal port is held by a running Temporal, naming it', async () => {
  const first = await start();
  const [api, ui] = await findFreePorts(2);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    CADENZA_PORT: String(api),
    TEMPORAL_PORT: String(ports.temporal),
    TEMPORAL_UI_PORT: String(ui),
    CADENZA_DATA_DIR: join(dataDir, 'second'),
  };
  delete env.TEMPORAL_ADDRESS;
  const second = spawn(join(root, 'node_modules/.bin/tsx'), ['src/main.ts'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  launched.push(second);
  let output = '';
  second.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  second.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((done) => second.once('exit', done));
  expect(code).toBe(1);
  expect(output).toContain(`Cadenza failed to start: port ${ports.temporal} on 127.0.0.1 is already in use by a running Temporal server`);
  expect(output).toContain(`TEMPORAL_ADDRESS=127.0.0.1:${ports.temporal}`);
  expect(await ctrlC(first)).toEqual({ code: 0, signal: null });
});
