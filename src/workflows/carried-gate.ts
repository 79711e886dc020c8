/**
 * The wait of an approval or wait task that a continued execution carried (docs/design.md §11): at
 * the same gate, for what is left of its timeout, parked where it was.
 */
import type { GatedTaskPosition } from './flow-positions';
import type { Gate, GateResolution } from './gates';
import type { TaskHost } from './task-host';

/** Waits at `gate` (carried) until it is resolved or the rest of its timeout passes. */
export function awaitCarried(host: TaskHost, gate: Gate, from: GatedTaskPosition): Promise<GateResolution> {
  const run = gate.run;
  const position = run === null ? undefined : ({ at: 'in_task', task_id: run.taskId, run: run.taskExecId, inner: from } as const);
  return host.awaitGate(gate, from.timeout_at === null ? undefined : Math.max(1, from.timeout_at - Date.now()), position);
}
