/**
 * What operator commands (`ExecutionCommands`) need from the execution they apply to, as the task
 * runners have `TaskHost`: what they read, and intention-named methods for every change they make.
 */
import type { Task } from '../definitions/schema';
import type { StatusView } from './contracts';
import type { ExecutionBehaviour } from './execution-behaviour';
import type { Gate, GateRegistry, GateResolution } from './gates';
import type { Journal, JournalEntry } from './journal';
import type { ManualPause } from './manual-pause';
import type { RejectionCounter } from './rejection-tally';
import type { TaskLedger } from './task-ledger';

/** The execution as the commands see it. */
export interface CommandHost {
  /** The behaviour switches of this execution (strict commands). */
  readonly behaviour: ExecutionBehaviour;
  /** The execution has ended; commands are refused. */
  readonly closed: boolean;
  /** For the events a command journals itself (a resume, a rejection). */
  readonly journal: Pick<Journal, 'append'>;
  /** Journals refusals, counting them under a flood; undefined for executions from before long life. */
  readonly refusals?: Pick<RejectionCounter, 'record'>;
  /** The open gates a command may address. */
  readonly gates: Pick<GateRegistry, 'find' | 'filter' | 'openGates'>;
  /** Every task of the definition, parallel branches included. */
  readonly tasksById: ReadonlyMap<string, Task>;
  /** The task runs: the latest of each task, and any by its `task_exec_id`. */
  readonly tasks: Pick<TaskLedger, 'latestRun' | 'findByExecId'>;
  /** The manual pause in force, if any. */
  pauseRequested(): ManualPause | null;
  /** Puts a manual pause in force; an immediate one interrupts the attempts in flight. */
  requestPause(pause: ManualPause): void;
  /** Lifts the manual pause; held branches go on. */
  clearManualPause(): void;
  /** Keeps the data a resume, decision or task resume brought: the `resume` template variable and `resume_data`. */
  rememberResumeData(data: unknown): void;
  /** Runs `apply` (a resume command) so that the status changes it causes journal no resume of their own. */
  whileResuming<T>(apply: () => T): T;
  /** Resolves an open gate, journaling `event` first; the branch that waits on it goes on. */
  resolveGate(gate: Gate, resolution: GateResolution, event?: JournalEntry): void;
  /** Recomputes the execution status after a change. */
  refreshStatus(): void;
  /** Whether `payload` meets the condition of a waiting gate. */
  signalMeetsCondition(gate: Gate, payload: unknown): boolean;
  /** Keeps a generic signal no task waits for yet; false, keeping nothing, when the buffer is full. */
  bufferSignal(name: string, payload: unknown): boolean;
  /** The answer of the `status` query, for the command's answer. */
  statusView(): StatusView;
}
