/**
 * Workflow interceptors of every Cadenza workflow (registered by `src/worker/create-worker.ts`).
 *
 * The SDK refuses a signal whose name starts with `__temporal_` by throwing while it dispatches the
 * activation (whenever a default signal handler exists) — before any handler runs, so the workflow
 * task fails on every replay and the execution is bricked (docs/design.md §4). Anyone who can signal
 * can send such a name (`temporal workflow signal --name __temporal_x`). This interceptor renames
 * such a signal before the SDK sees it; the interpreter's default handler then journals it as
 * CommandRejected. The rename is a pure function of the activation, so replay sees the same.
 */
import type { ActivateInput, Next, WorkflowInterceptorsFactory, WorkflowInternalsInterceptor } from '@temporalio/workflow';

/** Temporal's reserved prefix of message names. */
const TEMPORAL_RESERVED_PREFIX = '__temporal_';

/** What a reserved signal name is renamed to: this prefix plus the original name. */
export const RESERVED_SIGNAL_ALIAS = 'cadenza.refused-reserved-signal:';

/** The original name of a renamed reserved signal, or undefined for any other name. */
export function reservedSignalName(name: string): string | undefined {
  return name.startsWith(RESERVED_SIGNAL_ALIAS) ? name.slice(RESERVED_SIGNAL_ALIAS.length) : undefined;
}

/** Renames signals with Temporal's reserved prefix, so they reach the default handler as data. */
class ReservedSignalGuard implements WorkflowInternalsInterceptor {
  activate(input: ActivateInput, next: Next<WorkflowInternalsInterceptor, 'activate'>): void {
    for (const job of input.activation.jobs ?? []) {
      const signal = job.signalWorkflow;
      if (signal?.signalName?.startsWith(TEMPORAL_RESERVED_PREFIX)) signal.signalName = `${RESERVED_SIGNAL_ALIAS}${signal.signalName}`;
    }
    next(input);
  }
}

/** Interceptor factory the SDK loads from this module. */
export const interceptors: WorkflowInterceptorsFactory = () => ({ internals: [new ReservedSignalGuard()] });
