/**
 * Runs one `go` command for the source builds of Temporal binaries (the CLI in `cli-build.ts`, the
 * server in `src/cluster/server-build.ts`): one `go` command with its output lines as progress, and the
 * temporary build directories next to a cache.
 */
import { spawn } from 'node:child_process';
import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/** Where and how a `go` command runs. */
export interface GoCommandOptions {
  goPath: string;
  /** Working directory of the command. */
  cwd: string;
  env: NodeJS.ProcessEnv;
  signal?: AbortSignal;
}

/** What a `go` command left behind. */
export interface GoResult {
  code: number | null;
  /** Complete stdout (for small commands such as `go env`). */
  output: string;
  /** Last lines of stdout and stderr together. */
  tail: string[];
}

/** Runs `go args…` with `extraEnv` on top of `options.env`; resolves with the exit code, never rejects unless aborted. */
export function runGo(options: GoCommandOptions, args: string[], extraEnv: NodeJS.ProcessEnv, onLine: (line: string) => void): Promise<GoResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(options.goPath, args, {
      cwd: options.cwd,
      env: { ...options.env, ...extraEnv },
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(options.signal ? { signal: options.signal } : {}),
    });
    let output = '';
    const tail: string[] = [];
    const take = (line: string): void => {
      tail.push(line);
      if (tail.length > 40) tail.shift();
      onLine(line);
    };
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    createInterface({ input: child.stdout }).on('line', take);
    createInterface({ input: child.stderr }).on('line', take);
    child.on('error', (error) => {
      if (options.signal?.aborted) reject(options.signal.reason instanceof Error ? options.signal.reason : error);
      else resolve({ code: null, output, tail: [...tail, error.message] });
    });
    child.on('close', (code) => {
      if (options.signal?.aborted) return;
      resolve({ code, output, tail });
    });
  });
}

/** Whole seconds since `since` (a `Date.now()` value). */
export function elapsedSeconds(since: number): number {
  return Math.round((Date.now() - since) / 1000);
}

/** Removes the temporary build directories (`.build-*`) of a build that was killed. Call it only while holding the build lock. */
export async function removeLeftoverBuildDirs(cacheDir: string): Promise<void> {
  for (const name of await readdir(cacheDir)) {
    if (name.startsWith('.build-')) await rm(join(cacheDir, name), { recursive: true, force: true });
  }
}

/** Whether `path` is a regular file. */
export async function isFile(path: string): Promise<boolean> {
  return stat(path).then(
    (info) => info.isFile(),
    () => false,
  );
}
