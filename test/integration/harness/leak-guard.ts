/**
 * Tracks the Temporal workers a test file starts (setupFilesAfterEnv of the integration project), so
 * its test environment can fail the file that leaves one running (./leak-checking-environment.ts).
 * On a 2-core machine Jest runs every file in its main process: one worker left polling keeps Jest
 * from exiting, and CI hangs until its timeout. The file's Runtime is wrapped on its prototype, so
 * every worker of the file goes through it.
 */
import { Runtime } from '@temporalio/worker';
import { trackWorker } from './leaked-workers';

const proto = Runtime.prototype as unknown as {
  registerWorker: (...args: unknown[]) => Promise<object>;
  deregisterWorker: (worker: object) => Promise<void>;
};
const register = proto.registerWorker;
const deregister = proto.deregisterWorker;
proto.registerWorker = async function registerTracked(this: unknown, ...args: unknown[]) {
  const worker = await register.apply(this, args);
  // Where it was created: the test's name and the first frame in a test file.
  const frame = new Error().stack?.split('\n').find((line) => /\.test\.ts:\d+/.test(line))?.trim() ?? '';
  trackWorker(worker, `${expect.getState().currentTestName ?? 'a hook'} ${frame}`.trim(), true);
  return worker;
};
proto.deregisterWorker = async function deregisterTracked(this: unknown, worker: object) {
  trackWorker(worker, '', false);
  return deregister.call(this, worker);
};
