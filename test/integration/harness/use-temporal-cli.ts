/**
 * The real `temporal` CLI against the test server, for tests that drive executions as an operator
 * would: provisioned (or found in the cache) before the file's first test.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ensureTemporalCli } from '../../../src/temporal/provision';
import type { ClientAndWorker } from './use-client-and-worker';

const execFileAsync = promisify(execFile);

/** Runs `temporal <args>` with the test server's address and namespace. */
export interface TemporalCli {
  /** Its standard output. */
  run(...args: string[]): Promise<string>;
  /** With `--output json`, parsed. */
  json<T = unknown>(...args: string[]): Promise<T>;
}

/** Registers a `beforeAll` that finds the CLI binary; `env` gives the server it talks to. */
export function useTemporalCli(env: ClientAndWorker): TemporalCli {
  let binary: string | undefined;
  beforeAll(async () => {
    const provisioned = await ensureTemporalCli();
    if (provisioned.path === undefined) throw new Error('no temporal CLI binary for this test');
    binary = provisioned.path;
  });
  const run = async (...args: string[]): Promise<string> => {
    if (binary === undefined) throw new Error('the temporal CLI is used before the test file\'s beforeAll ran');
    const { stdout } = await execFileAsync(binary, [...args, '--address', env.t.address, '--namespace', env.t.namespace], { timeout: 30_000 });
    return stdout;
  };
  return { run, json: async <T>(...args: string[]) => JSON.parse(await run(...args, '--output', 'json')) as T };
}
