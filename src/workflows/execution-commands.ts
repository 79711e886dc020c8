/**
 * Operator commands on an execution: one validation and one handler per command, shared by the
 * signal path (a refused signal is journaled as CommandRejected and ignored) and the update path
 * (the validator refuses synchronously and leaves no trace in history). Every `validate*` takes any
 * value at all (docs/design.md §4); an `apply*` runs only after its validation passed.
 */
import { CommandErrorType, type DecideCommand, PauseMode, type PauseCommand, type ResumeCommand, type ResumePlan, type TaskResumeCommand } from './commands';
import { invalid, parseDecide, parsePause, parseRejectedNotice, parseResume, parseTaskResume } from './command-parsing';
import type { CommandHost } from './command-host';
import { closed, describeApprovers } from './command-refusal-texts';
import type { Task } from '../definitions/schema';
import { CommandRejection } from './command-rejection';
import type { StatusView } from './contracts';
import { EventType } from './events';
import { approvalDecidedEvent } from './approval-task';
import type { Gate } from './gates';
import type { JournalEntry } from './journal';
import { boundedText, commandPayloadTooLarge, payloadProblem, rejectedPayloadSummary } from './payload-bounds';
import { planResume } from './resume-planner';
import { checkAgainstSchema } from './schema-check';
import { MAX_BUFFERED_SIGNAL_BYTES, MAX_BUFFERED_SIGNALS } from './signal-buffer';
import { PauseReason } from './states';
import { waitingResumedEvent } from './wait-task';

export { CommandRejection } from './command-rejection';

/** Answer of the resume update: the plan that was applied and the status after it. */
export interface ResumeResult {
  plan: ResumePlan;
  status: StatusView;
}

/** Longest signal name a generic signal may have (Temporal allows far longer ones). */
const MAX_SIGNAL_NAME = 256;

/** Longest actor, command name or refusal type a CommandRejected entry keeps as it is. */
const MAX_ACTOR = 256;

/** The commands of one execution, applied through its host (the execution's machine). */
export class ExecutionCommands {
  private readonly strict: boolean;

  constructor(private readonly host: CommandHost) {
    this.strict = host.behaviour.strictCommands;
  }

  // ---- pause ----

  validatePause(input: unknown): CommandRejection | undefined {
    const command = parsePause(input, this.strict);
    if (command instanceof CommandRejection) return command;
    if (this.host.closed) return closed();
    const current = this.host.pauseRequested();
    if (current !== null && !(current.mode === PauseMode.Graceful && command.mode === PauseMode.Immediate)) {
      return new CommandRejection(CommandErrorType.AlreadyPaused, `the execution is already paused (${current.mode}, by ${current.actor ?? 'unknown'})`);
    }
    return undefined;
  }

  applyPause(input: unknown): StatusView {
    const command = input as PauseCommand;
    this.host.requestPause({
      reason: command.reason ?? 'manual pause',
      mode: command.mode ?? PauseMode.Graceful,
      actor: command.actor ?? null,
      requested_at: new Date().toISOString(),
    });
    return this.host.statusView();
  }

  // ---- resume ----

  /** What `input` would do as a resume, or why it would be refused (the dry run). */
  plan(input: unknown): ResumePlan {
    const parsed = parseResume(input, this.strict);
    const command = parsed instanceof CommandRejection ? parsed : (this.tooLarge(resumePayloads(parsed)) ?? parsed);
    if (command instanceof CommandRejection) {
      return { ok: false, error: { type: command.type, message: command.message }, missing: [], continues: [], retries: [], skips: [], still_open: [] };
    }
    return planResume(
      {
        closed: this.host.closed,
        manuallyPaused: this.host.pauseRequested() !== null,
        openGates: this.host.gates.openGates(),
        latestRun: this.host.tasks.latestRun,
        tasks: this.host.tasksById,
      },
      command,
    );
  }

  validateResume(input: unknown): CommandRejection | undefined {
    const parsed = parseResume(input, this.strict);
    // A size refusal keeps its details (path, sizes), which the plan's error has no room for.
    const tooLarge = parsed instanceof CommandRejection ? undefined : this.tooLarge(resumePayloads(parsed));
    if (tooLarge) return tooLarge;
    const plan = this.plan(input);
    if (plan.ok || plan.error === null) return undefined;
    return new CommandRejection(plan.error.type, plan.error.message, { missing: plan.missing, still_open: plan.still_open });
  }

  applyResume(input: unknown): ResumeResult {
    const command = input as ResumeCommand;
    const plan = this.plan(command);
    const m = this.host;
    m.whileResuming(() => {
      if (command.context !== undefined) m.rememberResumeData(command.context);
      m.clearManualPause();
      for (const gate of m.gates.openGates()) {
        if (gate.reason === PauseReason.Breakpoint) m.resolveGate(gate, { kind: 'continue' });
      }
      for (const retry of plan.retries) {
        const spec = command.tasks?.[retry.task_id];
        const gate = this.failedGate(retry.task_id);
        if (gate) m.resolveGate(gate, { kind: 'retry', input: spec?.input, hasInput: spec?.input !== undefined, ...(command.context !== undefined && { context: command.context }) });
      }
      for (const skip of plan.skips) {
        const gate = this.failedGate(skip.task_id);
        if (gate) m.resolveGate(gate, { kind: 'skip', output: skip.output });
      }
      m.journal.append({
        type: EventType.WorkflowExecutionResumed,
        ...(command.actor !== undefined && { actor: command.actor }),
        data: {
          mode: command.mode ?? 'continue',
          reason: command.reason ?? null,
          context: command.context ?? null,
          continues: plan.continues,
          retries: plan.retries,
          skips: plan.skips.map((s) => s.task_id),
        },
      });
      m.refreshStatus();
    });
    return { plan, status: m.statusView() };
  }

  /** The size refusal of `values`, when this execution bounds payloads (`ExecutionBehaviour.boundedPayloads`). */
  private tooLarge(values: Iterable<readonly [string, unknown]>): CommandRejection | undefined {
    return this.host.behaviour.boundedPayloads ? commandPayloadTooLarge(values) : undefined;
  }

  private failedGate(taskId: string): Gate | undefined {
    return this.host.gates.find((g) => g.reason === PauseReason.TaskFailed && g.taskId === taskId);
  }

  // ---- task resume (docs/design.md §14.0) ----

  validateTaskResume(input: unknown): CommandRejection | undefined {
    const command = parseTaskResume(input, this.strict);
    if (command instanceof CommandRejection) return command;
    const tooLarge = this.tooLarge([['resume_data', command.resume_data]]);
    if (tooLarge) return tooLarge;
    if (this.host.closed) return closed();
    const found = this.waitingGate(command);
    if (found instanceof CommandRejection) return found;
    const schema = found.data.resume_schema as Record<string, unknown> | undefined;
    if (schema !== undefined) {
      const problems = checkAgainstSchema(schema, command.resume_data ?? null);
      if (problems.length > 0) {
        return new CommandRejection(CommandErrorType.ResumeDataInvalid, `resume_data: ${problems.map((p) => `${p.path || '(root)'} ${p.message}`).join('; ')}`, { errors: problems });
      }
    }
    if (!this.host.signalMeetsCondition(found, command.resume_data ?? null)) {
      return new CommandRejection(CommandErrorType.ConditionNotMet, `resume_data does not meet the condition "${String(found.data.condition)}"; the task keeps waiting`);
    }
    return undefined;
  }

  applyTaskResume(input: unknown): StatusView {
    const command = input as TaskResumeCommand;
    const gate = this.waitingGate(command);
    if (gate instanceof CommandRejection) throw gate.toFailure();
    this.host.rememberResumeData(command.resume_data ?? null);
    this.host.resolveGate(
      gate,
      { kind: 'resume_data', data: command.resume_data ?? null, actor: command.actor ?? null },
      waitingResumedEvent(gate, command.resume_data ?? null, command.actor ?? null, 'taskResume'),
    );
    return this.host.statusView();
  }

  private waitingGate(command: TaskResumeCommand): Gate | CommandRejection {
    const m = this.host;
    const byExec = command.task_exec_id;
    const gate = this.addressedGate(PauseReason.WaitingForSignal, command.task_id, byExec);
    if (gate !== undefined) return gate;
    const run = byExec !== undefined ? m.tasks.findByExecId(byExec) : command.task_id !== undefined ? m.tasks.latestRun.get(command.task_id) : undefined;
    if (run === undefined && (byExec !== undefined || !m.tasksById.has(command.task_id ?? ''))) {
      return new CommandRejection(CommandErrorType.TaskNotFound, byExec !== undefined ? `no task execution "${String(byExec)}" in this execution` : `the definition has no task "${String(command.task_id ?? '')}"`);
    }
    return new CommandRejection(CommandErrorType.TaskNotWaiting, `task "${String(run?.taskId ?? command.task_id ?? '')}" is not waiting (status: ${run?.status ?? 'not started'})`);
  }

  /**
   * The open gate of `reason` a command addresses: by `task_exec_id` when it names one, else by task
   * id — and then, with strict commands, only when exactly one open gate matches (an ambiguous task
   * id is refused rather than guessed).
   */
  private addressedGate(reason: PauseReason, taskId: string | undefined, taskExecId: string | undefined): Gate | CommandRejection | undefined {
    const gates = this.host.gates;
    if (taskExecId !== undefined) return gates.find((g) => g.reason === reason && g.run?.taskExecId === taskExecId);
    if (!this.strict) return gates.find((g) => g.reason === reason && g.taskId === taskId);
    const matching = gates.filter((g) => g.reason === reason && g.taskId === taskId);
    if (matching.length <= 1) return matching[0];
    return new CommandRejection(CommandErrorType.TaskAmbiguous, `${matching.length} runs of task "${String(taskId)}" wait; name one by task_exec_id`, {
      task_exec_ids: matching.map((g) => g.run?.taskExecId ?? null),
    });
  }

  // ---- approvals (docs/design.md §14.3) ----

  validateDecide(input: unknown): CommandRejection | undefined {
    const command = parseDecide(input, this.strict);
    if (command instanceof CommandRejection) return command;
    const tooLarge = this.tooLarge([['data', command.data]]);
    if (tooLarge) return tooLarge;
    if (this.host.closed) return closed();
    const gate = this.approvalGate(command);
    if (gate instanceof CommandRejection) return gate;
    if (gate === undefined) {
      if (!this.host.tasksById.has(command.task_id)) return new CommandRejection(CommandErrorType.TaskNotFound, `the definition has no task "${command.task_id}"`);
      return new CommandRejection(CommandErrorType.ApprovalNotPending, `no pending approval for task "${command.task_id}"${command.task_exec_id !== undefined ? ` (task_exec_id ${command.task_exec_id})` : ''}`);
    }
    const approvers = gate.data.approvers as { roles?: string[]; users?: string[] } | null;
    if (approvers && (approvers.roles?.length || approvers.users?.length)) {
      const roles: readonly string[] | string = command.roles ?? [];
      const allowed = (approvers.users ?? []).includes(command.actor) || (approvers.roles ?? []).some((r) => roles.includes(r));
      if (!allowed) {
        return new CommandRejection(CommandErrorType.ApproverNotAllowed, `"${command.actor}" may not decide this approval (approvers: ${describeApprovers(approvers)})`);
      }
    }
    return decisionDataRejection(this.host.tasksById.get(command.task_id), command.data);
  }

  applyDecide(input: unknown): StatusView {
    const command = input as DecideCommand;
    const gate = this.approvalGate(command);
    if (gate instanceof CommandRejection) throw gate.toFailure();
    if (gate === undefined) throw new CommandRejection(CommandErrorType.ApprovalNotPending, `no pending approval for task "${command.task_id}"`).toFailure();
    this.host.rememberResumeData(command.data ?? null);
    const decision = {
      kind: 'decision',
      decision: command.decision,
      approver: command.actor,
      comment: command.comment ?? null,
      data: command.data ?? null,
      decided_at: new Date().toISOString(),
    } as const;
    this.host.resolveGate(gate, decision, approvalDecidedEvent(gate, decision));
    return this.host.statusView();
  }

  private approvalGate(command: DecideCommand): Gate | CommandRejection | undefined {
    return this.addressedGate(PauseReason.ApprovalRequired, command.task_id, command.task_exec_id);
  }

  // ---- generic signals (wait_for) ----

  receiveSignal(name: string, payload: unknown): void {
    const m = this.host;
    if (m.closed) return;
    if (this.strict) {
      const refused = signalProblem(name, payload) ?? this.tooLarge([['payload', payload]]);
      if (refused) return this.reject(name, payload, refused);
    }
    const gates = m.gates.openGates().filter((g) => g.reason === PauseReason.WaitingForSignal && g.data.wait_for === name);
    const gate = gates.find((g) => m.signalMeetsCondition(g, payload));
    if (gate) {
      m.rememberResumeData(payload);
      m.resolveGate(gate, { kind: 'resume_data', data: payload, actor: null }, waitingResumedEvent(gate, payload, null, `signal:${name}`));
      return;
    }
    if (gates.length > 0) {
      this.reject(name, payload, new CommandRejection(CommandErrorType.ConditionNotMet, `signal "${name}" does not meet the condition of ${gates.map((g) => `"${g.taskId ?? ''}"`).join(', ')}; the task keeps waiting`));
      return;
    }
    // No task waits for it yet: keep it for the wait task that will.
    if (!m.bufferSignal(name, payload)) {
      this.reject(name, payload, new CommandRejection(CommandErrorType.CommandInvalid, `signal "${name}" dropped: the buffer of signals no task waits for yet is full (${MAX_BUFFERED_SIGNALS} signals, ${MAX_BUFFERED_SIGNAL_BYTES} bytes)`));
    }
  }

  /** Journals a refusal reported from outside (a refused NATS command); never fails. */
  recordRejection(input: unknown): void {
    const notice = parseRejectedNotice(input);
    if (notice instanceof CommandRejection) {
      this.reject('commandRejected', input, notice);
      return;
    }
    const command = boundedText(notice.command, MAX_ACTOR);
    const type = boundedText(notice.type, MAX_ACTOR);
    this.journalRefusal(
      {
        type: EventType.CommandRejected,
        ...(typeof notice.actor === 'string' && { actor: boundedText(notice.actor, MAX_ACTOR) }),
        data: { command, type, message: boundedText(notice.message), payload: rejectedPayloadSummary(notice.payload) },
      },
      command,
      type,
    );
  }

  /** Journals a refused signal; the execution goes on untouched. */
  reject(command: string, payload: unknown, rejection: CommandRejection, actor?: string): void {
    // Everything kept is bounded: a flood of hostile commands must leave the journal readable.
    const name = boundedText(command, MAX_ACTOR);
    const entry = {
      type: EventType.CommandRejected,
      ...(actor !== undefined && { actor: boundedText(actor, MAX_ACTOR) }),
      data: { command: name, type: rejection.type, message: boundedText(rejection.message), payload: rejectedPayloadSummary(payload), ...rejection.details },
    };
    this.journalRefusal(entry, name, rejection.type);
  }

  /** Under a flood, refusals are counted (rejection-tally.ts); executions from before that journal each. */
  private journalRefusal(entry: JournalEntry, command: string, type: string): void {
    if (this.host.refusals !== undefined) this.host.refusals.record(entry, command, type);
    else this.host.journal.append(entry);
  }
}

/** Why a decision's `data` fails the approval task's `decision_schema`, if it does. */
export function decisionDataRejection(task: Task | undefined, data: unknown): CommandRejection | undefined {
  if (task?.type !== 'approval' || task.decision_schema === undefined) return undefined;
  const problems = checkAgainstSchema(task.decision_schema, data ?? {});
  if (problems.length === 0) return undefined;
  return new CommandRejection(CommandErrorType.DecisionInvalid, `data: ${problems.map((p) => `${p.path || '(root)'} ${p.message}`).join('; ')}`, { errors: problems });
}

/** Why a generic signal may not enter the execution's state, if it may not. */
function signalProblem(name: string, payload: unknown): CommandRejection | undefined {
  if (name.length > MAX_SIGNAL_NAME) return invalid(`a signal name may be ${MAX_SIGNAL_NAME} characters at most`);
  const problem = payloadProblem(`the payload of signal "${name}"`, payload);
  return problem === undefined ? undefined : invalid(problem);
}


/** What a resume carries into the execution, by path. */
function* resumePayloads(command: ResumeCommand): Generator<readonly [string, unknown]> {
  for (const [taskId, spec] of Object.entries(command.tasks ?? {})) {
    yield [`tasks.${taskId}.input`, spec.input];
    yield [`tasks.${taskId}.output`, spec.output];
  }
  yield ['context', command.context];
}
