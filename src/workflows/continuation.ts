/**
 * When an execution continues as new (docs/design.md §11), and what carries over that is not part
 * of any other piece of the state: where each flow is parked (the carried positions are taken once,
 * as the flows re-enter), and the ids of the updates already applied. An execution continues when
 * Temporal suggests it, or before its run's history or its signals and updates near Temporal's
 * limits, whichever comes first; it does so only once every flow is parked and no attempt is in
 * flight, and meanwhile no new task or attempt starts (`draining`).
 */
import { workflowInfo } from '@temporalio/workflow';
import type { ContinuedState } from './continued-state';
import { type FlowPosition, FlowPositions, flowKey } from './flow-positions';

/** A run continues before its history holds this many events (Temporal fails one at 51,200). */
export const MAX_RUN_EVENTS = 10_000;
/** ... or this many bytes (Temporal fails one at 50 MiB). */
export const MAX_RUN_HISTORY_BYTES = 10 * 1024 * 1024;
/** ... or before it took this many signals (Temporal refuses more than 10,000 per run). */
export const MAX_RUN_SIGNALS = 5_000;
/** ... or this many updates (Temporal refuses more than 2,000 per run). */
export const MAX_RUN_UPDATES = 1_500;
/** Update ids remembered across runs. */
export const UPDATE_ID_WINDOW = 1_000;

/** What decides that this run should continue as new. */
export interface ContinuePolicy {
  /** Continue once the run's history holds this many events (lower than the defaults for small caches, or in tests). */
  afterEvents?: number;
}

/** The continue-as-new bookkeeping of one run. */
export class Continuation {
  readonly positions = new FlowPositions();
  private readonly carriedFlows: Map<string, FlowPosition>;
  private readonly updateIds: string[];
  private readonly updateIdSet: Set<string>;
  private signals = 0;
  private updates = 0;

  constructor(
    private readonly enabled: boolean,
    private readonly policy: ContinuePolicy = {},
    carried?: ContinuedState,
  ) {
    this.carriedFlows = new Map(Object.entries(carried?.flows ?? {}));
    this.updateIds = [...(carried?.update_ids ?? [])];
    this.updateIdSet = new Set(this.updateIds);
  }

  /** True when this run should continue as new as soon as it is quiet. */
  get wanted(): boolean {
    if (!this.enabled) return false;
    const info = workflowInfo();
    const maxEvents = Math.min(MAX_RUN_EVENTS, this.policy.afterEvents ?? MAX_RUN_EVENTS);
    return (
      info.continueAsNewSuggested ||
      info.historyLength >= maxEvents ||
      info.historySize >= MAX_RUN_HISTORY_BYTES ||
      this.signals >= MAX_RUN_SIGNALS ||
      this.updates >= MAX_RUN_UPDATES
    );
  }

  /** The carried position of the flow of `branch`, taken once (the flow re-enters there). */
  takeCarried(branch: string | null): FlowPosition | undefined {
    const k = flowKey(branch);
    const position = this.carriedFlows.get(k);
    this.carriedFlows.delete(k);
    return position;
  }

  /** True while some carried flow has not re-entered yet. */
  get reentering(): boolean {
    return this.carriedFlows.size > 0;
  }

  /** A signal arrived in this run. */
  countSignal(): void {
    this.signals++;
  }

  /** True when update `id` was applied by this execution before (in an earlier run, or in this one). */
  seenUpdate(id: string | undefined): boolean {
    return id !== undefined && this.updateIdSet.has(id);
  }

  /** Update `id` was applied; counted towards this run's updates. */
  rememberUpdate(id: string | undefined): void {
    this.updates++;
    if (id === undefined || this.updateIdSet.has(id)) return;
    this.updateIds.push(id);
    this.updateIdSet.add(id);
    while (this.updateIds.length > UPDATE_ID_WINDOW) this.updateIdSet.delete(this.updateIds.shift() as string);
  }

  /** The update ids to carry. */
  get rememberedUpdateIds(): string[] {
    return [...this.updateIds];
  }
}
