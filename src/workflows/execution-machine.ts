/**
 * The interpreter's state machine: it owns the state of one execution, made of the parts in the
 * files it imports (runs, record, manual pause, gates, flows, signals, template variables), runs the
 * execution from start to close, and is the one place where those parts meet: gates and pauses
 * hold flows, and every change refreshes the status. Task runners reach it through `TaskHost` (the
 * flow walk through `FlowHost`), operator commands through `CommandHost`, queries through
 * `viewState()`. The workflow function only wires it to Temporal.
 */
import { type ApplicationFailure, CancellationScope, condition, sleep } from '@temporalio/workflow';
import type { Task, WorkflowConfig } from '../definitions/schema';
import { renderTemplate } from '../definitions/templates';
import { CallbackRegistry } from './callbacks';
import type { CommandHost } from './command-host';
import type { ExecutionInput, ExecutionResult, StatusView } from './contracts';
import { deepMerge } from './deep-merge';
import { EventType } from './events';
import { behaviourOf, type ExecutionBehaviour } from './execution-behaviour';
import { closingOnError, completed, type Failure, flowFailure, outputsFailure } from './execution-closing';
import { ExecutionRecord } from './execution-record';
import { deriveStatus } from './execution-status';
import { type ExecutionState, pauseView, statusView } from './execution-views';
import { FlowActivity } from './flow-activity';
import { type FlowHost, type RerunOptions, walkFlow } from './flow-walk';
import { type Gate, GateRegistry, type GateResolution } from './gates';
import { Journal, type JournalEntry } from './journal';
import { publishToSink } from './journal-sink';
import { type ManualPause, ManualPauseControl } from './manual-pause';
import { awaitingOf } from './search-attributes';
import { SignalBuffer } from './signal-buffer';
import type { FlowOutcome, InFlightAttempt } from './task-host';
import { TaskLedger } from './task-ledger';
import { TemplateScope } from './template-scope';
import type { TaskRun } from './task-run';
import { meetsWaitCondition, waitingResumedEvent } from './wait-task';

/** The state of one execution; only its methods change it. */
export class ExecutionMachine implements FlowHost, CommandHost {
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
  /** Callback URLs of waiting runs (docs/design.md §9). */
  readonly callbacks = new CallbackRegistry();
  private readonly pause = new ManualPauseControl();
  private readonly record: ExecutionRecord;
  private readonly scope: TemplateScope;
  private timedOut = false;
  private readonly flows = new FlowActivity();
  private readonly signals = new SignalBuffer();
  /** False until `run()` starts walking the definition. */
  private started = false;

  constructor(
    private readonly executionId: string,
    private readonly input: ExecutionInput,
    readonly behaviour: ExecutionBehaviour = behaviourOf(true),
  ) {
    this.identity = { executionId, workflowId: input.definition.id };
    this.config = input.definition.config;
    this.journal = new Journal(executionId, input.definition.id, publishToSink);
    this.record = new ExecutionRecord(this.journal);
    this.tasks = new TaskLedger(this.journal, () => this.refreshStatus());
    this.gates = new GateRegistry(behaviour.releaseGatesWithBranch, () => this.gatesChanged());
    this.scope = new TemplateScope(input, this.tasks, executionId, this.record.startedAt);
    const tasksById = new Map<string, Task>();
    indexTasks(input.definition.tasks, tasksById);
    this.tasksById = tasksById;
    // Commands handled before `run()` (sent before a worker picked the execution up) come after this.
    if (behaviour.startedFirst) this.record.journalStarted(input);
  }

  /** Runs the execution to its end; throws the failure that closes the workflow when it does not complete. */
  async run(): Promise<ExecutionResult> {
    if (!this.behaviour.startedFirst) this.record.journalStarted(this.input);
    this.started = true;
    try {
      const outcome = await this.runWithTimeout();
      if (outcome.status === 'failed') throw this.failing(flowFailure(outcome.last));
      const outputs = this.renderOutputs();
      this.record.close(completed(outputs));
      return { execution_id: this.executionId, status: this.record.status, outputs };
    } catch (err) {
      const closing = closingOnError(err, this.record.error, this.timedOut, this.config?.timeout);
      this.tasks.cancelActive(closing.cancelReason);
      this.record.close(closing);
      throw closing.thrown;
    }
  }

  /** The execution has ended. */
  get closed(): boolean {
    return this.record.closed;
  }

  // ---- flows -------------------------------------------------------------------------------

  private async runWithTimeout(): Promise<FlowOutcome> {
    const timeout = this.config?.timeout;
    if (timeout === undefined) return this.runTopLevel();
    const flowScope = new CancellationScope();
    const timerScope = new CancellationScope();
    void timerScope
      .run(() => sleep(timeout))
      .then(() => {
        this.timedOut = true;
        flowScope.cancel();
      })
      .catch(() => undefined); // the timer is cancelled when the flow ends first
    try {
      return await flowScope.run(() => this.runTopLevel());
    } finally {
      timerScope.cancel();
    }
  }

  /** The definition's flow, then — under a manual pause — a hold until the resume lets it close. */
  private async runTopLevel(): Promise<FlowOutcome> {
    const outcome = await this.runFlow(this.input.definition.tasks, null);
    if (this.behaviour.pauseHoldsClosing && this.pause.current !== null) {
      this.pause.holdClosing(true);
      try {
        await this.flows.blockedWhile(null, () => this.pause.current !== null, () => condition(() => this.pause.current === null), () => this.refreshStatus());
      } finally {
        this.pause.holdClosing(false);
      }
    }
    return outcome;
  }

  /** Runs a flow from its first task until a task has nowhere to go. */
  async runFlow(tasks: readonly Task[], branch: string | null): Promise<FlowOutcome> {
    if (!this.behaviour.steadyStatus) return walkFlow(this, tasks, branch);
    this.flows.enter(branch);
    try {
      return await walkFlow(this, tasks, branch);
    } finally {
      this.flows.leave(branch);
      // A finished branch may leave only blocked ones behind: the execution is paused then.
      this.refreshStatus();
    }
  }

  /** A new run of `task` on `branch`, seeing the template variables (with a repair's context merged in). */
  scheduleRun(task: Task, branch: string | null, rerun: RerunOptions): TaskRun {
    const scope = this.scope.variables();
    return this.tasks.schedule(task, branch, rerun.context === undefined ? scope : deepMerge(scope, rerun.context), rerun.input);
  }

  /** Why a cancelled branch or execution ends its tasks. */
  get cancelReason(): string {
    return this.timedOut ? 'timeout' : 'cancelled';
  }

  // ---- gates, pauses and resumes -----------------------------------------------------------

  /** Opens a gate; whom the execution awaits and its status follow. */
  openGate(gate: Gate): Gate {
    this.gates.open(gate);
    this.gatesChanged();
    return gate;
  }

  /** Resolves a gate from a command (journaling `event` first); the branch that waits on it goes on. */
  resolveGate(gate: Gate, resolution: GateResolution, event?: JournalEntry): void {
    if (!gate.open) return;
    if (event !== undefined) this.journal.append(event);
    gate.resolve(resolution);
    this.gatesChanged();
  }

  /** Runs `wait` (a parallel task's branches) while the flow of `branch` counts as blocked on it. */
  whileWaitingOnBranches<T>(branch: string | null, wait: () => Promise<T>): Promise<T> {
    return this.behaviour.steadyStatus ? this.flows.blockedWhile(branch, () => true, wait, () => this.refreshStatus()) : wait();
  }

  /** Waits at a gate; while it is open, the gate's branch counts as blocked. */
  awaitGate(gate: Gate, timeoutMs?: number): Promise<GateResolution> {
    if (!this.behaviour.steadyStatus) return this.gates.wait(gate, timeoutMs);
    return this.flows.blockedWhile(gate.branch, () => gate.open, () => this.gates.wait(gate, timeoutMs), () => this.refreshStatus());
  }

  /** Holds the branch before `nextTaskId` while a manual pause is in force. */
  async holdIfPaused(nextTaskId: string, branch: string | null): Promise<void> {
    if (this.pause.current === null) return;
    this.pause.hold(nextTaskId);
    const released = () => condition(() => this.pause.current === null);
    try {
      if (this.behaviour.steadyStatus) await this.flows.blockedWhile(branch, () => this.pause.current !== null, released, () => this.refreshStatus());
      else {
        this.refreshStatus();
        await released();
      }
    } finally {
      this.pause.release(nextTaskId);
    }
  }

  /** Starts a manual pause; `immediate` also interrupts in-flight attempts, which re-run on resume. */
  requestPause(pause: ManualPause): void {
    this.pause.request(pause);
    this.refreshStatus();
  }

  /** The manual pause in force, if any. */
  pauseRequested(): ManualPause | null {
    return this.pause.current;
  }

  /** Lifts the manual pause (a resume); held branches go on. */
  clearManualPause(): void {
    this.pause.clear();
  }

  /** Keeps the data a resume, decision or task resume brought (`resume` in templates, `resume_data`). */
  rememberResumeData(data: unknown): void {
    this.scope.rememberResume(data);
  }

  /** Runs `apply` (a resume command): the status change it causes is journaled by the command, not twice. */
  whileResuming<T>(apply: () => T): T {
    return this.record.whileResuming(apply);
  }

  // ---- attempts and signals ----------------------------------------------------------------

  /** An activity attempt starts; an immediate pause may interrupt it. */
  trackAttempt(run: TaskRun, scope: CancellationScope): InFlightAttempt {
    return this.pause.track(run, scope);
  }

  /** An activity attempt has ended. */
  untrackAttempt(attempt: InFlightAttempt): void {
    this.pause.untrack(attempt);
    this.refreshStatus();
  }

  /** Keeps a generic signal no task waits for yet; false when the buffer is full. */
  bufferSignal(name: string, payload: unknown): boolean {
    return this.signals.add(name, payload);
  }

  /** Gives a waiting task the oldest buffered signal of its name whose payload meets its condition. */
  takeBufferedSignal(gate: Gate): void {
    const signal = this.signals.take(gate.data.wait_for, (payload) => this.signalMeetsCondition(gate, payload));
    if (signal === undefined) return;
    this.scope.rememberResume(signal.payload);
    this.resolveGate(gate, { kind: 'resume_data', data: signal.payload, actor: null }, waitingResumedEvent(gate, signal.payload, null, `signal:${signal.name}`));
  }

  /** Evaluates a wait task's condition with `signal.payload`; a condition that cannot be evaluated is false. */
  signalMeetsCondition(gate: Gate, payload: unknown): boolean {
    return meetsWaitCondition(gate, payload, gate.run?.inboundContext ?? this.scope.variables());
  }

  // ---- status ------------------------------------------------------------------------------

  /** Derives running / pausing / paused (docs/design.md §3) and journals the transitions. */
  refreshStatus(): void {
    const steady = this.behaviour.steadyStatus;
    const next = deriveStatus({
      closed: this.closed,
      started: this.started,
      steadyStatus: steady,
      anyFlowMoving: steady && this.flows.anyMoving,
      legacyRunning: !steady && (this.pause.attemptsInFlight > 0 || this.tasks.anyRunning),
      gated: this.gates.openGates().length > 0,
      manualPause: this.pause.current !== null,
    });
    if (next === undefined) return;
    this.record.moveTo(next, () => {
      const pause = pauseView(this.viewState());
      const actor = this.pause.current?.actor;
      return { type: EventType.WorkflowExecutionPaused, ...(actor && { actor }), data: { ...pause } };
    });
  }

  /** After a gate opened, was resolved or released: whom the execution awaits, then its status. */
  private gatesChanged(): void {
    this.record.setAwaiting(awaitingOf(this.gates.openGates()));
    this.refreshStatus();
  }

  // ---- closing -----------------------------------------------------------------------------

  private renderOutputs(): Record<string, unknown> {
    const outputs = this.input.definition.outputs;
    if (outputs === undefined) return {};
    try {
      return renderTemplate(outputs, this.scope.variables(), 'outputs') as Record<string, unknown>;
    } catch (err) {
      throw this.failing(outputsFailure(err));
    }
  }

  /** Records why the execution fails; returns the failure that ends its run. */
  private failing({ error, failure }: Failure): ApplicationFailure {
    this.record.failWith(error);
    return failure;
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
}

function indexTasks(tasks: readonly Task[], into: Map<string, Task>): void {
  for (const task of tasks) {
    into.set(task.id, task);
    if (task.type === 'parallel') for (const branch of task.branches) indexTasks(branch.tasks, into);
  }
}
