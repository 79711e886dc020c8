/**
 * The Temporal workers a test file registered with a Runtime and has not deregistered, kept on the
 * file's global object, where its test environment (./leak-checking-environment.ts) looks after the
 * file's last hook.
 */
const key = Symbol.for('cadenza.test.liveWorkers');
type Holder = { [key]?: Map<object, string> };

/** The live workers of the file whose global object is `holder`. */
export function liveWorkers(holder: object): Map<object, string> {
  const h = holder as Holder;
  h[key] ??= new Map<object, string>();
  return h[key];
}

/** Records a native worker as started (`running`) or stopped, with where it was created. */
export function trackWorker(worker: object, origin: string, running: boolean): void {
  if (running) liveWorkers(globalThis).set(worker, origin);
  else liveWorkers(globalThis).delete(worker);
}
