/**
 * Seed 002's `LogEmitted` (docs/design.md §8): a component's log line tied to one execution. The
 * NATS implementation (`src/events/log-emitter.ts`) publishes it on `<p>.events.log.<component>`;
 * it never enters the journal.
 */

/** The components that emit execution logs. */
export type LogComponent = 'worker' | 'api' | 'runtime';

/** One log line about one execution. */
export interface ExecutionLogEntry {
  component: LogComponent;
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  execution_id: string;
  workflow_id?: string;
  task_id?: string;
  task_exec_id?: string;
  data?: Record<string, unknown>;
}

/** Emits one entry; never throws, never waits. */
export type ExecutionLogger = (entry: ExecutionLogEntry) => void;

/** A logger that drops everything (no NATS). */
export const noExecutionLog: ExecutionLogger = () => undefined;
