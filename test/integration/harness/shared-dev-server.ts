/**
 * Hands the dev server from Jest's global setup to its global teardown. Both run in Jest's main
 * process, but each module is loaded separately, so the handle lives on `globalThis`.
 */
import type { DevServer } from '../../../src/temporal/dev-server';

const key = Symbol.for('cadenza.test.devServer');
type Holder = { [key]?: DevServer };

export function setSharedDevServer(server: DevServer): void {
  (globalThis as Holder)[key] = server;
}

/** Returns the server once and forgets it. */
export function takeSharedDevServer(): DevServer | undefined {
  const holder = globalThis as Holder;
  const server = holder[key];
  delete holder[key];
  return server;
}
