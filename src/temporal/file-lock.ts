/**
 * A cross-process lock made of an exclusively created file, so two processes (CI's Jest and
 * `npm start`, say) never build the Temporal CLI at the same time.
 */
import { hostname } from 'node:os';
import { open, readFile, rm, stat } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

interface LockOwner {
  pid: number;
  host: string;
  since: number;
}

export interface FileLockOptions {
  /** Called every `reportEveryMs` while another process holds the lock. */
  onWait?: (owner: LockOwner, waitedMs: number) => void;
  reportEveryMs?: number;
  /** A lock older than this is taken over even if its owner looks alive (pid reuse). */
  staleAfterMs?: number;
  pollMs?: number;
  signal?: AbortSignal;
}

/** Runs `fn` while holding the lock at `lockPath`; waits for another holder to finish first. */
export async function withFileLock<T>(lockPath: string, fn: () => Promise<T>, options: FileLockOptions = {}): Promise<T> {
  const { reportEveryMs = 15_000, staleAfterMs = 60 * 60_000, pollMs = 500 } = options;
  const waitStart = Date.now();
  let lastReport = waitStart;
  for (;;) {
    options.signal?.throwIfAborted();
    try {
      const handle = await open(lockPath, 'wx');
      const owner: LockOwner = { pid: process.pid, host: hostname(), since: Date.now() };
      await handle.writeFile(JSON.stringify(owner));
      await handle.close();
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = await readOwner(lockPath);
    if (owner === undefined || isStale(owner, staleAfterMs)) {
      // The holder died (or the file is garbage): take the lock over.
      await rm(lockPath, { force: true });
      continue;
    }
    if (options.onWait && Date.now() - lastReport >= reportEveryMs) {
      lastReport = Date.now();
      options.onWait(owner, lastReport - waitStart);
    }
    await sleep(pollMs, undefined, options.signal ? { signal: options.signal } : undefined);
  }
  try {
    return await fn();
  } finally {
    await rm(lockPath, { force: true });
  }
}

async function readOwner(lockPath: string): Promise<LockOwner | undefined> {
  try {
    const parsed = JSON.parse(await readFile(lockPath, 'utf8')) as Partial<LockOwner>;
    if (typeof parsed.pid === 'number' && typeof parsed.host === 'string' && typeof parsed.since === 'number') {
      return { pid: parsed.pid, host: parsed.host, since: parsed.since };
    }
    return undefined;
  } catch (error) {
    // Gone between open and read: report "no owner" so the caller retries at once.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    // Unreadable: just created and not yet written (give its owner a moment), or left by a crash.
    const modified = await stat(lockPath).then((info) => info.mtimeMs, () => 0);
    return Date.now() - modified < 10_000 ? { pid: process.pid, host: hostname(), since: modified } : undefined;
  }
}

function isStale(owner: LockOwner, staleAfterMs: number): boolean {
  if (Date.now() - owner.since > staleAfterMs) return true;
  if (owner.host !== hostname()) return false;
  try {
    process.kill(owner.pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
