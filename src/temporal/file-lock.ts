/**
 * A cross-process lock, so two processes (CI's Jest and `npm start`, say) never build the Temporal
 * CLI at the same time. It is proper-lockfile's: a directory created atomically at the lock path,
 * whose mtime the holder refreshes every `staleMs / 2`; one not refreshed for `staleMs` (its holder
 * was killed with -9, the machine rebooted) is taken over. A holder that exits normally or on a
 * signal removes it.
 *
 * Checkouts running the former version of this file use the same path for a plain JSON file: each
 * waits for the other (see `legacy-lock-file.ts` for this side; that code reads a fresh directory as
 * its own, live, lock and waits for it to go).
 */
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { lock } from 'proper-lockfile';
import { clearAbandonedLegacyLock } from './legacy-lock-file';

/** Options of `withFileLock`. */
export interface FileLockOptions {
  /** Called every `reportEveryMs` while another process holds the lock. */
  onWait?: (waitedMs: number) => void;
  reportEveryMs?: number;
  /** A lock whose holder stopped refreshing it this long ago is taken over (default 10 s, at least 2 s). */
  staleMs?: number;
  pollMs?: number;
  signal?: AbortSignal;
  /**
   * Called if the lock was lost while `fn` ran (its directory removed, or not refreshed within
   * `staleMs`, so another process may have taken it). `fn` is not interrupted.
   */
  onCompromised?: (error: Error) => void;
}

/** Runs `fn` while holding the lock at `lockPath`; waits for another holder to finish first. */
export async function withFileLock<T>(lockPath: string, fn: () => Promise<T>, options: FileLockOptions = {}): Promise<T> {
  const { reportEveryMs = 15_000, staleMs = 10_000, pollMs = 500 } = options;
  const path = resolve(lockPath);
  const waitStart = Date.now();
  let lastReport = waitStart;
  let release: () => Promise<void>;
  for (;;) {
    options.signal?.throwIfAborted();
    try {
      release = await lock(path, {
        lockfilePath: path,
        realpath: false,
        stale: staleMs,
        // The default throws from a timer, which would kill the process in the middle of a build.
        onCompromised: (error) => options.onCompromised?.(error),
      });
      break;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // ENOTDIR: a lock file of the former format, older than `staleMs` (it is never refreshed).
      if (code === 'ENOTDIR' && (await clearAbandonedLegacyLock(path))) continue;
      if (code !== 'ELOCKED' && code !== 'ENOTDIR') throw error;
    }
    if (options.onWait && Date.now() - lastReport >= reportEveryMs) {
      lastReport = Date.now();
      options.onWait(lastReport - waitStart);
    }
    await sleep(pollMs, undefined, options.signal ? { signal: options.signal } : undefined);
  }
  try {
    return await fn();
  } finally {
    // ERELEASED: the lock was compromised meanwhile, and is not ours to remove.
    await release().catch((error: unknown) => {
      if ((error as NodeJS.ErrnoException).code !== 'ERELEASED') throw error;
    });
  }
}
