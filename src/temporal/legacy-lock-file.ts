/**
 * The lock file `file-lock.ts` wrote before it used proper-lockfile: a plain file at the lock path
 * holding `{"pid", "host", "since"}`. A checkout that has not taken the newer code yet may still hold
 * one while it builds the CLI into the shared cache, so the newer lock waits for it like for any
 * other holder, and takes it over only when it is abandoned, by the rules that code applied.
 */
import { readFile, stat, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';

/** A lock of the former format older than this is taken over even if its owner looks alive (pid reuse). */
const LEGACY_STALE_AFTER_MS = 60 * 60_000;
/** An unreadable former lock file younger than this is being written by its owner. */
const LEGACY_UNWRITTEN_GRACE_MS = 10_000;

/**
 * Removes the former-format lock file at `lockPath` if its owner is gone: a dead pid on this host,
 * older than an hour, or unreadable for more than 10 s. Returns whether the path is free to try
 * again (also when the file vanished meanwhile); false while its owner may still be building.
 */
export async function clearAbandonedLegacyLock(lockPath: string): Promise<boolean> {
  let text: string;
  try {
    text = await readFile(lockPath, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // Gone, or replaced by a lock directory meanwhile: let the caller try again.
    if (code === 'ENOENT' || code === 'EISDIR') return true;
    throw error;
  }
  const owner = parseOwner(text);
  const abandoned = owner ? isAbandoned(owner) : await isOldUnwritten(lockPath);
  if (!abandoned) return false;
  try {
    // unlink never removes a directory: a newer lock that appeared meanwhile stays.
    await unlink(lockPath);
  } catch (error) {
    if (!['ENOENT', 'EISDIR', 'EPERM'].includes((error as NodeJS.ErrnoException).code ?? '')) throw error;
  }
  return true;
}

interface LegacyOwner {
  pid: number;
  host: string;
  since: number;
}

function parseOwner(text: string): LegacyOwner | undefined {
  try {
    const parsed = JSON.parse(text) as Partial<LegacyOwner>;
    if (typeof parsed.pid === 'number' && typeof parsed.host === 'string' && typeof parsed.since === 'number') {
      return { pid: parsed.pid, host: parsed.host, since: parsed.since };
    }
  } catch {
    // Not written yet, or garbage.
  }
  return undefined;
}

function isAbandoned(owner: LegacyOwner): boolean {
  if (Date.now() - owner.since > LEGACY_STALE_AFTER_MS) return true;
  if (owner.host !== hostname()) return false;
  try {
    process.kill(owner.pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

async function isOldUnwritten(lockPath: string): Promise<boolean> {
  const modified = await stat(lockPath).then(
    (info) => info.mtimeMs,
    () => 0,
  );
  return Date.now() - modified >= LEGACY_UNWRITTEN_GRACE_MS;
}
