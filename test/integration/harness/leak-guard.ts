/**
 * Finds the test file that left a Temporal worker running (setupFilesAfterEnv of the integration
 * project). On a 2-core machine Jest runs every file in its own main process, so one worker left
 * polling keeps Jest from exiting and CI hangs until its timeout. Each file's Runtime is wrapped so a
 * worker registered and not deregistered is recorded on `process` (the one object every file's sandbox
 * shares); the next file fails its first hook naming the file that leaked, and the global teardown
 * reports the last one (see ./leaked-workers.ts).
 */
import { Runtime } from '@temporalio/worker';
import { leakedWorkers, trackWorker } from './leaked-workers';

const testFile = expect.getState().testPath ?? 'unknown test file';

// Wrapped on the prototype of this file's module: every Runtime instance of the file goes through it.
const proto = Runtime.prototype as unknown as {
  registerWorker: (...args: unknown[]) => Promise<object>;
  deregisterWorker: (worker: object) => Promise<void>;
};
const register = proto.registerWorker;
const deregister = proto.deregisterWorker;
proto.registerWorker = async function registerTracked(this: unknown, ...args: unknown[]) {
  const worker = await register.apply(this, args);
  trackWorker(worker, testFile, true);
  return worker;
};
proto.deregisterWorker = async function deregisterTracked(this: unknown, worker: object) {
  trackWorker(worker, testFile, false);
  return deregister.call(this, worker);
};

beforeAll(() => {
  const leaks = leakedWorkers();
  if (leaks.length > 0) throw new Error(`a Temporal worker is still running, started by ${leaks.join(', ')}: shut it down in that file's afterAll`);
});
