/**
 * The interpreter's state machine: it owns the state of one execution, made of the parts in the
 * files it imports (runs, record, manual pause, gates, flows, signals, template variables), runs the
 * execution from start to close, and is the one place where those parts meet: gates and pauses
 * hold flows, and every change refreshes the status. Task runners reach it through `TaskHost` (the
 * flow walk through `FlowHost`), operator commands through `CommandHost`, queries through
 * `viewState()`. The workflow function only wires it to Temporal.
 */
import { type ApplicationFailure, CancellationScope, condition, sleep } from '@temporalio/workflow';
import { msToNumber } from '@temporalio/common/lib/time';
import type { Task } from '../definitions/schema';
import { renderTemplate } from '../definitions/templates';
import { carriedUnloaded, loadCarriedOutputs, taskReads, templateTaskReads } from './carried-values';
import type { CommandHost } from './command-host';
import type { ContinuedState } from './continued-state';
import type { ExecutionResult } from './contracts';
import { deepMerge } from './deep-merge';
import { EventType } from './events';
import { closingOnError, completed, type Failure, flowFailure, outputsFailure } from './execution-closing';
import { ExecutionParts } from './execution-parts';
import { deriveStatus } from './execution-status';
import { pauseView } from './execution-views';
import type { FlowPosition } from './flow-positions';
import { type FlowHost, type RerunOptions, walkFlow } from './flow-walk';
import type { Gate, GateResolution } from './gates';
import type { JournalEntry } from './journal';
import type { ManualPause } from './manual-pause';
import { awaitingOf } from './search-attributes';
import type { FlowOutcome, InFlightAttempt } from './task-host';
import type { TaskRun } from './task-run';
import { meetsWaitCondition, waitingResumedEvent } from './wait-task';

/** Runs one execution: the behaviour over the state its parts hold (`ExecutionParts`). */
export class ExecutionMachine extends ExecutionParts implements FlowHost, CommandHost {
  /**
   * Runs the execution to its end, or until it continues as new (then it answers the state to carry);
   * throws the failure that closes the workflow when it does not complete.
   */
  async run(): Promise<ExecutionResult | ContinuedState> {
    if (!this.behaviour.startedFirst && this.continued === undefined) this.record.journalStarted(this.input);
    this.started = true;
    try {
      const flows = this.runWithTimeout();
      if (this.restoring) {
        // Every carried flow has re-entered (synchronously) and parked again where it was.
        this.restoring = false;
        this.refreshStatus();
      }
      const outcome = this.behaviour.longLife ? await Promise.race([flows, this.continueWhenQuiet()]) : await flows;
      if ('format' in outcome) return outcome;
      if (outcome.status === 'failed') throw this.failing(flowFailure(outcome.last));
      const outputs = this.input.definition.outputs;
      if (this.carriesByRef && outputs !== undefined) {
        await loadCarriedOutputs(this.executionId, this.tasks.latestRun.values(), templateTaskReads(outputs), (run) => this.tasks.record(run));
      }
      const rendered = this.renderOutputs();
      // Refusals still counted are journaled before the execution closes.
      this.refusals?.flush();
      this.record.close(completed(rendered));
      return { execution_id: this.executionId, status: this.record.status, outputs: rendered };
    } catch (err) {
      const closing = closingOnError(err, this.record.error, this.timedOut, this.config?.timeout);
      this.tasks.cancelActive(closing.cancelReason);
      this.refusals?.flush();
      this.record.close(closing);
      throw closing.thrown;
    }
  }


  // ---- flows -------------------------------------------------------------------------------

  private async runWithTimeout(): Promise<FlowOutcome> {
    const timeout = this.config?.timeout;
    if (timeout === undefined) return this.runTopLevel();
    if (this.continued === undefined) this.timeoutAt = Date.now() + msToNumber(timeout as Parameters<typeof msToNumber>[0]);
    // A continued run waits for what is left of the execution's timeout.
    const left = this.continued === undefined ? timeout : Math.max(1, (this.timeoutAt ?? Date.now()) - Date.now());
    const flowScope = new CancellationScope();
    const timerScope = new CancellationScope();
    void timerScope
      .run(() => sleep(left))
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
    const carried = this.continuation.takeCarried(null);
    const outcome: FlowOutcome =
      carried?.at === 'closing_held'
        ? { status: carried.status, last: carried.last === null ? undefined : this.tasks.findByExecId(carried.last) }
        : await this.runFlow(this.input.definition.tasks, null, carried);
    if (this.behaviour.pauseHoldsClosing && this.pause.current !== null) {
      this.pause.holdClosing(true);
      const unpark = this.continuation.positions.park(null, { at: 'closing_held', status: outcome.status, last: outcome.last?.taskExecId ?? null }, () => true);
      try {
        await this.flows.blockedWhile(null, () => this.pause.current !== null, () => condition(() => this.pause.current === null), () => this.refreshStatus());
      } finally {
        unpark();
        this.pause.holdClosing(false);
      }
    }
    return outcome;
  }

  /** Runs a flow from its first task (or where it was parked when the execution continued) until a task has nowhere to go. */
  async runFlow(tasks: readonly Task[], branch: string | null, carried = this.continuation.takeCarried(branch)): Promise<FlowOutcome> {
    if (!this.behaviour.steadyStatus) return walkFlow(this, tasks, branch);
    this.flows.enter(branch);
    try {
      return await walkFlow(this, tasks, branch, carried);
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

  /** True when `task` reads an output this run carries only by reference: `loadCarriedValues()` first. */
  needsCarriedValues(task: Task): boolean {
    return this.carriesByRef && carriedUnloaded(this.tasks.latestRun.values(), taskReads(task));
  }

  /** Loads the carried outputs `task` reads (docs/design.md §11). */
  loadCarriedValues(task: Task): Promise<void> {
    return loadCarriedOutputs(this.executionId, this.tasks.latestRun.values(), taskReads(task), (run) => this.tasks.record(run));
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

  /** Runs `wait` (a parallel task's branches) while the flow of `branch` counts as blocked on it, parked at `position`. */
  whileWaitingOnBranches<T>(branch: string | null, wait: () => Promise<T>, position?: FlowPosition): Promise<T> {
    return this.holds.whileWaitingOnBranches(branch, wait, position);
  }

  /** Waits at a gate; while it is open, the gate's branch counts as blocked (and parked at `position`). */
  awaitGate(gate: Gate, timeoutMs?: number, position?: FlowPosition): Promise<GateResolution> {
    return this.holds.awaitGate(gate, timeoutMs, position);
  }

  /** Runs `wait` with the flow of `branch` parked at `position` while `parked()` holds (docs/design.md §11). */
  parkWhile<T>(branch: string | null, position: FlowPosition | undefined, parked: () => boolean, wait: () => Promise<T>): Promise<T> {
    return this.holds.parkWhile(branch, position, parked, wait);
  }

  /** Holds the branch before `nextTaskId` while a manual pause is in force, or (parked at `position`) while about to continue as new. */
  holdIfPaused(nextTaskId: string, branch: string | null, position?: FlowPosition): Promise<void> {
    return this.holds.holdIfPaused(nextTaskId, branch, position);
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
  override refreshStatus(): void {
    if (this.restoring) return;
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
  protected override gatesChanged(): void {
    this.record.setAwaiting(awaitingOf(this.gates.openGates()));
    this.refreshStatus();
  }

  // ---- continuing as new (docs/design.md §11) ------------------------------------------------

  /** Resolves with the state to carry once the run should continue and is quiet: every flow parked, no attempt or handler running. */
  private async continueWhenQuiet(): Promise<ContinuedState> {
    // Not cancellable: a cancellation of the execution is the flows' to handle (their tasks see it first).
    await CancellationScope.nonCancellable(() => condition(() => this.holds.quietToContinue(this.closed)));
    this.refusals?.flush();
    return this.captureState();
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

}
