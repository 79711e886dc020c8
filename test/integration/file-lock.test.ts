/**
 * The build lock of the Temporal CLI (`src/temporal/file-lock.ts`, on proper-lockfile) across real
 * processes: one holder at a time, a holder killed with -9 is taken over once its lock goes stale, and
 * it coexists with checkouts still running the former lock code (`fixtures/former-file-lock.ts`) on the
 * same path: each waits for the other, and an abandoned former lock is taken over.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { withFileLock } from '../../src/temporal/file-lock';
import { withFormerFileLock } from './fixtures/former-file-lock';
import { waitFor } from './harness';

jest.setTimeout(60_000);

const STALE_MS = 2_000;
let dir: string;
const children: ChildProcess[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cadenza-lock-'));
});

afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await rm(dir, { recursive: true, force: true });
});

/** A child process holding the lock at `lockPath` with the current or the former code, once it said so. */
async function holder(which: 'current' | 'former', lockPath: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', resolve(__dirname, 'fixtures/hold-lock.ts'), which, lockPath, String(STALE_MS)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  await waitFor(() => out.includes('locked'), { what: `the ${which} holder to lock`, timeoutMs: 20_000 });
  return child;
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((done) => (child.exitCode !== null || child.signalCode !== null ? done() : child.once('exit', () => done())));
}

/** Takes the lock with the current code; `acquired` tells whether it got it yet. */
function contender(lockPath: string): { acquired: () => boolean; done: Promise<void> } {
  let got = false;
  const done = withFileLock(lockPath, () => Promise.resolve((got = true)).then(() => undefined), { staleMs: STALE_MS, pollMs: 50 });
  return { acquired: () => got, done };
}

it('waits for a live holder in another process past the stale time, and takes the lock once it exits', async () => {
  const lockPath = join(dir, '.build.lock');
  const child = await holder('current', lockPath);
  const waiting = contender(lockPath);
  // The holder refreshes its lock: it is never stale while the holder lives.
  await sleep(STALE_MS * 2);
  expect(waiting.acquired()).toBe(false);
  child.kill('SIGTERM');
  await exited(child);
  await waiting.done;
  expect(waiting.acquired()).toBe(true);
  await expect(stat(lockPath)).rejects.toMatchObject({ code: 'ENOENT' });
});

it('takes over the lock of a holder killed with -9 once it is stale', async () => {
  const lockPath = join(dir, '.build.lock');
  const child = await holder('current', lockPath);
  child.kill('SIGKILL');
  await exited(child);
  expect((await stat(lockPath)).isDirectory()).toBe(true);
  const waiting = contender(lockPath);
  await waiting.done;
  expect(waiting.acquired()).toBe(true);
});

it('waits for a live holder running the former code, and takes over its lock file once it was killed with -9', async () => {
  const lockPath = join(dir, '.build.lock');
  const child = await holder('former', lockPath);
  expect((await stat(lockPath)).isFile()).toBe(true);
  const waiting = contender(lockPath);
  // Past the stale time the former file (never refreshed) is judged by its owner's pid instead.
  await sleep(STALE_MS * 2);
  expect(waiting.acquired()).toBe(false);
  child.kill('SIGKILL');
  await exited(child);
  await waiting.done;
  expect(waiting.acquired()).toBe(true);
});

it('makes the former code wait while the current code holds the lock, however long', async () => {
  const lockPath = join(dir, '.build.lock');
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  let formerGot = false;
  const current = withFileLock(lockPath, () => held, { staleMs: STALE_MS });
  await waitFor(async () => (await stat(lockPath)).isDirectory(), { what: 'the current lock' });
  const former = withFormerFileLock(lockPath, () => Promise.resolve((formerGot = true)).then(() => undefined), { pollMs: 50 });
  // The former code takes over a lock it cannot read after 10 s without a change: the refresh prevents it.
  await sleep(12_000);
  expect(formerGot).toBe(false);
  release();
  await current;
  await former;
  expect(formerGot).toBe(true);
});
