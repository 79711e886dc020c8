/**
 * The state an execution carries into its next run when it continues as new (docs/design.md §11):
 * everything its machine owns, as plain data — the record, the manual pause, the open gates, the
 * runs (large values by reference), the buffered signals, where each flow is parked, the update ids
 * already applied — and where the new run's journal segment starts.
 */
import type { CallbackEntry } from './callbacks';
import type { FlowPosition } from './flow-positions';
import type { GateSnapshot } from './gates';
import type { ManualPause } from './manual-pause';
import type { RunSnapshot } from './run-snapshot';
import type { BufferedSignal } from './signal-buffer';
import type { ExecutionStatus } from './states';
import type { ExecutionError } from './contracts';
import type { RejectionTally } from './rejection-tally';

/** Format of `ContinuedState`; a run refuses a state of a format it does not know. */
export const CONTINUED_STATE_FORMAT = 1;

/** What the record of an execution carries. */
export interface RecordSnapshot {
  status: ExecutionStatus;
  started_at: string;
  paused_at: string | null;
  awaiting: string[];
  error: ExecutionError | null;
}

/** The second argument of a run that continued from another. */
export interface ContinuedState {
  format: typeof CONTINUED_STATE_FORMAT;
  /** The run this one continues. */
  previous_run_id: string;
  /** How many runs the execution had before this one. */
  runs_before: number;
  /** Seq of this run's first journal event. */
  first_seq: number;
  record: RecordSnapshot;
  pause: ManualPause | null;
  resume: unknown;
  signals: BufferedSignal[];
  runs: RunSnapshot[];
  /** How many earlier runs of tasks were not carried (the oldest superseded ones). */
  dropped_runs: number;
  gates: GateSnapshot[];
  /** Where each live flow is parked, by flow key (`''` is the top level). */
  flows: Record<string, FlowPosition>;
  /** Ids of the last updates applied, so a retried command does not apply twice across runs. */
  update_ids: string[];
  /** Refusals counted but not yet journaled. */
  rejections: RejectionTally;
  /** Epoch ms at which the execution times out (`config.timeout`), if it does. */
  timeout_at: number | null;
  /** Callback URLs (docs/design.md §9): every open one, and the latest used, expired or revoked ones. */
  callbacks?: Record<string, CallbackEntry>;
}

/** Whether `value` is a continued state this code can take; anything else fails the run at once. */
export function isContinuedState(value: unknown): value is ContinuedState {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<ContinuedState>;
  return v.format === CONTINUED_STATE_FORMAT && typeof v.first_seq === 'number' && Array.isArray(v.runs) && typeof v.flows === 'object' && v.flows !== null;
}
