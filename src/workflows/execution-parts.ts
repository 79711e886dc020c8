/**
 * The state of one execution (docs/design.md §3, §11): the parts it is made of — journal, record,
 * runs, gates, manual pause, flows, buffered signals, template variables, the continue-as-new
 * bookkeeping — built fresh or restored from the state a continued run carried, and what reads all
 * of them at once: the state to carry on, and the state the views read. `ExecutionMachine` adds the
 * behaviour: it runs the execution and is the only one that changes these parts.
 */
import { workflowInfo } from '@temporalio/workflow';
import type { Agent, Task, WorkflowConfig } from '../definitions/schema';
import { CallbackRegistry } from './callbacks';
import { expressionTaskReads } from './carried-values';
import { Continuation } from './continuation';
import { CONTINUED_STATE_FORMAT, type ContinuedState } from './continued-state';
import type { ExecutionInput, StatusView } from './contracts';
import { behaviourOf, type ExecutionBehaviour } from './execution-behaviour';
import { ExecutionRecord } from './execution-record';
import { carriedRuns, restoreGates, restoreRuns } from './execution-snapshot';
import { type ExecutionState, statusView } from './execution-views';
import { FlowActivity } from './flow-activity';
import { FlowHolds } from './flow-holds';
import { GateRegistry } from './gates';
import { Journal } from './journal';
import { publishToSink } from './journal-sink';
import { ManualPauseControl } from './manual-pause';
import { RejectionCounter } from './rejection-tally';
import { SignalBuffer } from './signal-buffer';
import { PauseReason } from './states';
import { TaskLedger } from './task-ledger';
import { TemplateScope } from './template-scope';

/** The parts of one execution's state; only `ExecutionMachine`'s methods change them. */
export abstract class ExecutionParts {
  readonly journal: Journal;
  readonly gates: GateRegistry;
  /** Every task of the definition, parallel branches included. */
  readonly tasksById: ReadonlyMap<string, Task>;
  /** Every task run and its transitions. */
  readonly tasks: TaskLedger;
  /** Ids an activity attempt carries. */
  readonly identity: { executionId: string; workflowId: string };
  /** The definition's config. */
  readonly config: WorkflowConfig | undefined;
  /** The definition's agents by id. */
  readonly agents: ReadonlyMap<string, Agent>;
  /** When to continue as new, where the flows are parked, the update ids applied (docs/design.md §11). */
  readonly continuation: Continuation;
  /** Journals refusals, counted under a flood; undefined for executions from before long life. */
  readonly refusals: RejectionCounter | undefined;
  /** Callback URLs of waiting runs (docs/design.md §9). */
  readonly callbacks: CallbackRegistry;
  protected readonly pause: ManualPauseControl;
  protected readonly record: ExecutionRecord;
  protected readonly scope: TemplateScope;
  protected timedOut = false;
  protected timeoutAt: number | null = null;
  protected readonly flows = new FlowActivity();
  protected readonly holds: FlowHolds;
  protected readonly signals: SignalBuffer;
  /** False until `run()` starts walking the definition. */
  protected started = false;
  /** True while a continued run re-enters its flows: the carried status stands until they have. */
  protected restoring: boolean;
  /** Some carried run's output is carried by reference (docs/design.md §11). */
  protected carriesByRef = false;

  constructor(
    protected readonly executionId: string,
    protected readonly input: ExecutionInput,
    readonly behaviour: ExecutionBehaviour = behaviourOf(true),
    protected readonly continued?: ContinuedState,
  ) {
    this.identity = { executionId, workflowId: input.definition.id };
    this.config = input.definition.config;
    this.agents = new Map((input.definition.agents ?? []).map((a) => [a.id, a]));
    const segment = continued && { firstSeq: continued.first_seq, previousRunId: continued.previous_run_id };
    this.journal = new Journal(executionId, input.definition.id, publishToSink, segment, behaviour.longLife ? workflowInfo().runId : '');
    this.record = new ExecutionRecord(this.journal, continued?.record);
    this.tasks = new TaskLedger(this.journal, () => this.refreshStatus());
    this.gates = new GateRegistry(behaviour.releaseGatesWithBranch, () => this.gatesChanged(), behaviour.resolvedCarriedGates);
    this.scope = new TemplateScope(input, this.tasks, executionId, this.record.startedAt, continued?.resume ?? null);
    this.pause = new ManualPauseControl(continued?.pause ?? null);
    this.signals = new SignalBuffer(behaviour.longLife, continued?.signals);
    this.continuation = new Continuation(behaviour.longLife, { afterEvents: input.limits?.continue_after_events }, continued);
    this.refusals = behaviour.longLife ? new RejectionCounter(this.journal, continued?.rejections) : undefined;
    this.callbacks = new CallbackRegistry(continued?.callbacks);
    this.holds = new FlowHolds({ behaviour, pause: this.pause, flows: this.flows, gates: this.gates, continuation: this.continuation, refreshStatus: () => this.refreshStatus() });
    const tasksById = new Map<string, Task>();
    indexTasks(input.definition.tasks, tasksById);
    this.tasksById = tasksById;
    this.restoring = continued !== undefined;
    if (continued !== undefined) {
      const runs = restoreRuns(continued.runs, (tasks, resume) => this.scope.withTasks(tasks, resume));
      this.tasks.restore(runs);
      this.carriesByRef = runs.some((r) => r.outputByRef);
      for (const gate of restoreGates(continued.gates, runs)) this.gates.open(gate);
      this.timeoutAt = continued.timeout_at;
      this.started = true;
    } else if (behaviour.startedFirst) {
      // Commands handled before `run()` (sent before a worker picked the execution up) come after this.
      this.record.journalStarted(input);
    }
  }

  /** The execution has ended. */
  get closed(): boolean {
    return this.record.closed;
  }

  protected captureState(): ContinuedState {
    const gates = this.gates.openGates();
    const gated = new Set(gates.flatMap((g) => (g.run === null ? [] : [g.run])));
    const conditions = gates.flatMap((g) => (g.reason === PauseReason.WaitingForSignal && typeof g.data.condition === 'string' ? [g.data.condition] : []));
    const { runs, dropped } = carriedRuns(this.tasks.runs, this.tasks.latestRun, gated, expressionTaskReads(conditions));
    return {
      format: CONTINUED_STATE_FORMAT,
      previous_run_id: workflowInfo().runId,
      runs_before: (this.continued?.runs_before ?? 0) + 1,
      first_seq: this.journal.lastSeq + 1,
      record: this.record.snapshot(),
      pause: this.pause.current,
      resume: this.scope.resumeData,
      signals: this.signals.snapshot(),
      runs,
      dropped_runs: (this.continued?.dropped_runs ?? 0) + dropped,
      gates: gates.map((g) => g.snapshot()),
      flows: this.continuation.positions.snapshot(this.holds.liveFlows()),
      update_ids: this.continuation.rememberedUpdateIds,
      rejections: this.refusals?.snapshot() ?? { counts: {}, total: 0, first_at: null, last_at: null },
      timeout_at: this.timeoutAt,
      callbacks: this.callbacks.carried(),
    };
  }

  // ---- views -------------------------------------------------------------------------------

  /** The state the views read (`execution-views.ts`); the query handlers answer views of it. */
  viewState(): ExecutionState {
    const { definition } = this.input;
    return {
      ...this.record.state,
      executionId: this.executionId,
      workflowId: definition.id,
      workflowVersion: definition.version,
      input: this.input.input ?? null,
      openGates: this.gates.openGates(),
      manualPause: this.pause.current,
      heldTaskIds: this.pause.heldTaskIds,
      closingHeld: this.pause.holdsClosing,
      resumeData: this.scope.resumeData,
      runs: this.tasks.runs,
      latestRun: this.tasks.latestRun,
      lastSeq: this.journal.lastSeq,
    };
  }

  /** Answer of the `status` query (and of every command). */
  statusView(): StatusView {
    return statusView(this.viewState());
  }

  /** Derives the status from the parts and journals its transitions. */
  abstract refreshStatus(): void;

  /** After a gate opened, was resolved or released. */
  protected abstract gatesChanged(): void;
}

function indexTasks(tasks: readonly Task[], into: Map<string, Task>): void {
  for (const task of tasks) {
    into.set(task.id, task);
    if (task.type === 'parallel') for (const branch of task.branches) indexTasks(branch.tasks, into);
  }
}
