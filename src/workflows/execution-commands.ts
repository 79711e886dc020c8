/**
 * Operator commands on an execution: one validation and one handler per command, shared by the
 * signal path (a refused signal is journaled as CommandRejected and ignored) and the update path
 * (the validator refuses synchronously and leaves no trace in history).
 */
import { ApplicationFailure } from '@temporalio/workflow';
import {
  CommandErrorType,
  type CommandRejectedNotice,
  type DecideCommand,
  PauseMode,
  type PauseCommand,
  type ResumeCommand,
  type ResumePlan,
  type TaskResumeCommand,
} from './commands';
import type { StatusView } from './contracts';
import { EventType } from './events';
import { type ExecutionMachine, waitingResumedEvent } from './execution-machine';
import { approvalDecidedEvent } from './approval-task';
import type { Gate } from './gates';
import { planResume } from './resume-planner';
import { checkAgainstSchema } from './schema-check';
import { PauseReason } from './states';

/** A refused command: a stable type, a one-line message, and details (e.g. `missing`). */
export class CommandRejection {
  constructor(
    readonly type: CommandErrorType,
    readonly message: string,
    readonly details: Record<string, unknown> = {},
  ) {}

  toFailure(): ApplicationFailure {
    return ApplicationFailure.create({ type: this.type, message: this.message, nonRetryable: true, details: [this.details] });
  }
}

export interface ResumeResult {
  plan: ResumePlan;
  status: StatusView;
}

/** Most signals a definition may receive before a task waits for them. */
const MAX_BUFFERED_SIGNALS = 100;

export class ExecutionCommands {
  constructor(private readonly machine: ExecutionMachine) {}

  // ---- pause ----

  validatePause(command: PauseCommand): CommandRejection | undefined {
    if (!isObject(command)) return invalid('the pause command must be an object');
    if (command.mode !== undefined && command.mode !== PauseMode.Graceful && command.mode !== PauseMode.Immediate) {
      return invalid('mode must be "graceful" or "immediate"');
    }
    if (command.reason !== undefined && typeof command.reason !== 'string') return invalid('reason must be a string');
    if (this.machine.closed) return closed();
    const current = this.machine.manualPause;
    if (current !== null && !(current.mode === PauseMode.Graceful && command.mode === PauseMode.Immediate)) {
      return new CommandRejection(CommandErrorType.AlreadyPaused, `the execution is already paused (${current.mode}, by ${current.actor ?? 'unknown'})`);
    }
    return undefined;
  }

  applyPause(command: PauseCommand): StatusView {
    this.machine.requestPause({
      reason: command.reason ?? 'manual pause',
      mode: command.mode ?? PauseMode.Graceful,
      actor: command.actor ?? null,
      requested_at: new Date().toISOString(),
    });
    return this.machine.statusView();
  }

  // ---- resume ----

  plan(command: ResumeCommand): ResumePlan {
    if (!isObject(command)) return { ok: false, error: { type: CommandErrorType.CommandInvalid, message: 'the resume command must be an object' }, missing: [], continues: [], retries: [], skips: [], still_open: [] };
    return planResume(
      {
        closed: this.machine.closed,
        manuallyPaused: this.machine.manualPause !== null,
        openGates: this.machine.gates.openGates(),
        latestRun: this.machine.latestRun,
        tasks: this.machine.tasksById,
      },
      command,
    );
  }

  validateResume(command: ResumeCommand): CommandRejection | undefined {
    if (isObject(command) && command.context !== undefined && !isObject(command.context)) return invalid('context must be an object');
    if (isObject(command) && command.tasks !== undefined && !isObject(command.tasks)) return invalid('tasks must be an object keyed by task id');
    const plan = this.plan(command);
    if (plan.ok || plan.error === null) return undefined;
    return new CommandRejection(plan.error.type, plan.error.message, { missing: plan.missing, still_open: plan.still_open });
  }

  applyResume(command: ResumeCommand): ResumeResult {
    const plan = this.plan(command);
    const m = this.machine;
    m.resumingByCommand = true;
    try {
      if (command.context !== undefined) m.lastResumeData = command.context;
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
    } finally {
      m.resumingByCommand = false;
    }
    return { plan, status: m.statusView() };
  }

  private failedGate(taskId: string): Gate | undefined {
    return this.machine.gates.find((g) => g.reason === PauseReason.TaskFailed && g.taskId === taskId);
  }

  // ---- task resume (seed 000) ----

  validateTaskResume(command: TaskResumeCommand): CommandRejection | undefined {
    if (!isObject(command)) return invalid('the task resume command must be an object');
    if (command.task_exec_id === undefined && command.task_id === undefined) return invalid('name the task: task_exec_id or task_id');
    if (this.machine.closed) return closed();
    const found = this.waitingGate(command);
    if (found instanceof CommandRejection) return found;
    const schema = found.data.resume_schema as Record<string, unknown> | undefined;
    if (schema !== undefined) {
      const problems = checkAgainstSchema(schema, command.resume_data ?? null);
      if (problems.length > 0) {
        return new CommandRejection(CommandErrorType.ResumeDataInvalid, `resume_data: ${problems.map((p) => `${p.path || '(root)'} ${p.message}`).join('; ')}`, { errors: problems });
      }
    }
    if (!this.machine.signalMeetsCondition(found, command.resume_data ?? null)) {
      return new CommandRejection(CommandErrorType.ConditionNotMet, `resume_data does not meet the condition "${String(found.data.condition)}"; the task keeps waiting`);
    }
    return undefined;
  }

  applyTaskResume(command: TaskResumeCommand): StatusView {
    const gate = this.waitingGate(command);
    if (gate instanceof CommandRejection) throw gate.toFailure();
    this.machine.lastResumeData = command.resume_data ?? null;
    this.machine.resolveGate(
      gate,
      { kind: 'resume_data', data: command.resume_data ?? null, actor: command.actor ?? null },
      waitingResumedEvent(gate, command.resume_data ?? null, command.actor ?? null, 'taskResume'),
    );
    return this.machine.statusView();
  }

  private waitingGate(command: TaskResumeCommand): Gate | CommandRejection {
    const m = this.machine;
    const byExec = command.task_exec_id;
    const gate = m.gates.find(
      (g) => g.reason === PauseReason.WaitingForSignal && (byExec !== undefined ? g.run?.taskExecId === byExec : g.taskId === command.task_id),
    );
    if (gate) return gate;
    const run = byExec !== undefined ? m.findRunByExecId(byExec) : command.task_id !== undefined ? m.latestRun.get(command.task_id) : undefined;
    if (run === undefined && (byExec !== undefined || !m.tasksById.has(command.task_id ?? ''))) {
      return new CommandRejection(CommandErrorType.TaskNotFound, byExec !== undefined ? `no task execution "${byExec}" in this execution` : `the definition has no task "${command.task_id ?? ''}"`);
    }
    return new CommandRejection(CommandErrorType.TaskNotWaiting, `task "${run?.taskId ?? command.task_id ?? ''}" is not waiting (status: ${run?.status ?? 'not started'})`);
  }

  // ---- approvals (seed 003) ----

  validateDecide(command: DecideCommand): CommandRejection | undefined {
    if (!isObject(command)) return invalid('the decision must be an object');
    if (typeof command.task_id !== 'string') return invalid('task_id is required');
    if (command.decision !== 'approve' && command.decision !== 'reject') return invalid('decision must be "approve" or "reject"');
    if (typeof command.actor !== 'string' || command.actor.length === 0) return invalid('actor is required: the approver');
    if (this.machine.closed) return closed();
    const gate = this.approvalGate(command.task_id);
    if (gate === undefined) {
      if (!this.machine.tasksById.has(command.task_id)) return new CommandRejection(CommandErrorType.TaskNotFound, `the definition has no task "${command.task_id}"`);
      return new CommandRejection(CommandErrorType.ApprovalNotPending, `no pending approval for task "${command.task_id}"`);
    }
    const approvers = gate.data.approvers as { roles?: string[]; users?: string[] } | null;
    if (approvers && (approvers.roles?.length || approvers.users?.length)) {
      const allowed = (approvers.users ?? []).includes(command.actor) || (approvers.roles ?? []).some((r) => (command.roles ?? []).includes(r));
      if (!allowed) {
        return new CommandRejection(CommandErrorType.ApproverNotAllowed, `"${command.actor}" may not decide this approval (approvers: ${describeApprovers(approvers)})`);
      }
    }
    const task = this.machine.tasksById.get(command.task_id);
    if (task?.type === 'approval' && task.decision_schema !== undefined) {
      const problems = checkAgainstSchema(task.decision_schema, command.data ?? {});
      if (problems.length > 0) {
        return new CommandRejection(CommandErrorType.DecisionInvalid, `data: ${problems.map((p) => `${p.path || '(root)'} ${p.message}`).join('; ')}`, { errors: problems });
      }
    }
    return undefined;
  }

  applyDecide(command: DecideCommand): StatusView {
    const gate = this.approvalGate(command.task_id);
    if (gate === undefined) throw new CommandRejection(CommandErrorType.ApprovalNotPending, `no pending approval for task "${command.task_id}"`).toFailure();
    this.machine.lastResumeData = command.data ?? null;
    const decision = {
      kind: 'decision',
      decision: command.decision,
      approver: command.actor,
      comment: command.comment ?? null,
      data: command.data ?? null,
      decided_at: new Date().toISOString(),
    } as const;
    this.machine.resolveGate(gate, decision, approvalDecidedEvent(gate, decision));
    return this.machine.statusView();
  }

  private approvalGate(taskId: string): Gate | undefined {
    return this.machine.gates.find((g) => g.reason === PauseReason.ApprovalRequired && g.taskId === taskId);
  }

  // ---- generic signals (wait_for) ----

  receiveSignal(name: string, payload: unknown): void {
    const m = this.machine;
    if (m.closed) return;
    const gates = m.gates.openGates().filter((g) => g.reason === PauseReason.WaitingForSignal && g.data.wait_for === name);
    const gate = gates.find((g) => m.signalMeetsCondition(g, payload));
    if (gate) {
      m.lastResumeData = payload;
      m.resolveGate(gate, { kind: 'resume_data', data: payload, actor: null }, waitingResumedEvent(gate, payload, null, `signal:${name}`));
      return;
    }
    if (gates.length > 0) {
      this.reject(name, payload, new CommandRejection(CommandErrorType.ConditionNotMet, `signal "${name}" does not meet the condition of ${gates.map((g) => `"${g.taskId ?? ''}"`).join(', ')}; the task keeps waiting`));
      return;
    }
    if (m.bufferedSignals.length >= MAX_BUFFERED_SIGNALS) {
      this.reject(name, payload, new CommandRejection(CommandErrorType.CommandInvalid, `signal "${name}" dropped: ${MAX_BUFFERED_SIGNALS} signals already wait for a task`));
      return;
    }
    // No task waits for it yet: keep it for the wait task that will.
    m.bufferedSignals.push({ name, payload, received_at: new Date().toISOString() });
  }

  /** Journals a refusal reported from outside (a refused NATS command); never fails. */
  recordRejection(notice: CommandRejectedNotice): void {
    const valid = isObject(notice) && typeof notice.command === 'string' && typeof notice.type === 'string' && typeof notice.message === 'string';
    if (!valid) {
      this.reject('commandRejected', notice, invalid('a commandRejected notice needs command, type and message strings'));
      return;
    }
    this.machine.journal.append({
      type: EventType.CommandRejected,
      ...(typeof notice.actor === 'string' && { actor: notice.actor }),
      data: { command: notice.command, type: notice.type, message: notice.message, payload: notice.payload ?? null },
    });
  }

  /** Journals a refused signal; the execution goes on untouched. */
  reject(command: string, payload: unknown, rejection: CommandRejection, actor?: string): void {
    this.machine.journal.append({
      type: EventType.CommandRejected,
      ...(actor !== undefined && { actor }),
      data: { command, type: rejection.type, message: rejection.message, payload: payload ?? null, ...rejection.details },
    });
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalid(message: string): CommandRejection {
  return new CommandRejection(CommandErrorType.CommandInvalid, message);
}

function closed(): CommandRejection {
  return new CommandRejection(CommandErrorType.ExecutionClosed, 'the execution has already ended');
}

function describeApprovers(approvers: { roles?: string[]; users?: string[] }): string {
  return [...(approvers.roles ?? []).map((r) => `role ${r}`), ...(approvers.users ?? []).map((u) => `user ${u}`)].join(', ');
}
