/**
 * The workers test files registered with a Temporal Runtime and have not deregistered, kept on
 * `process` because every test file (and the global teardown) has its own module registry and global
 * object but shares the process.
 */
const key = Symbol.for('cadenza.test.liveWorkers');
type Holder = { [key]?: Map<object, string> };

function live(): Map<object, string> {
  const holder = process as unknown as Holder;
  return (holder[key] ??= new Map());
}

/** Records a native worker as started (`running`) or stopped by the test file `file`. */
export function trackWorker(worker: object, file: string, running: boolean): void {
  if (running) live().set(worker, file);
  else live().delete(worker);
}

/** The test files (one entry per worker) whose workers are still registered. */
export function leakedWorkers(): string[] {
  return [...live().values()];
}
