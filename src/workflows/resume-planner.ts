/**
 * Decides what a `resume` would do before anything changes (docs/design.md §14.4): which gates it clears, which
 * failed tasks re-run or are skipped, and what is missing. Used by the update validator, the signal
 * handler and the dry run, so all three agree.
 */
import type { Task } from '../definitions/schema';
import { CommandErrorType, type MissingRequirement, type ResumeCommand, type ResumePlan, ResumeMode } from './commands';
import type { Gate } from './gates';
import { checkAgainstSchema } from './schema-check';
import { PauseReason, TaskStatus } from './states';
import type { TaskRun } from './task-run';

export interface ResumeState {
  closed: boolean;
  manuallyPaused: boolean;
  openGates: readonly Gate[];
  latestRun: ReadonlyMap<string, TaskRun>;
  tasks: ReadonlyMap<string, Task>;
}

const resumeModes: readonly string[] = Object.values(ResumeMode);

function refused(type: CommandErrorType, message: string, extra: Partial<ResumePlan> = {}): ResumePlan {
  return { ok: false, error: { type, message }, missing: [], continues: [], retries: [], skips: [], still_open: [], ...extra };
}

export function planResume(state: ResumeState, command: ResumeCommand): ResumePlan {
  if (state.closed) return refused(CommandErrorType.ExecutionClosed, 'the execution has already ended');
  const mode = command.mode ?? ResumeMode.Continue;
  if (!resumeModes.includes(mode)) return refused(CommandErrorType.CommandInvalid, `mode must be one of ${resumeModes.join(', ')}`);

  const resumable = state.openGates.filter((g) => g.reason === PauseReason.Breakpoint || g.reason === PauseReason.TaskFailed);
  const others = state.openGates.filter((g) => !resumable.includes(g));
  const stillOpen = others.map((g) => ({ task_id: g.taskId, reason: g.reason }));
  const waitingOn: MissingRequirement[] = others.map((g) => ({ task_id: g.taskId ?? '', need: needOf(g) }));

  const specs = Object.entries(command.tasks ?? {});
  if (!state.manuallyPaused && resumable.length === 0) {
    // A named task may explain better why nothing can be resumed.
    for (const [taskId] of specs) {
      const explained = explainTarget(state, taskId);
      if (explained) return explained;
    }
    return refused(CommandErrorType.NotPaused, others.length > 0 ? 'nothing to resume: the execution waits on approvals or signals, not on a resume' : 'the execution is not paused', { missing: waitingOn, still_open: stillOpen });
  }

  const failedGates = new Map(resumable.filter((g) => g.reason === PauseReason.TaskFailed && g.taskId !== null).map((g) => [g.taskId as string, g]));
  const plan: ResumePlan = { ok: true, error: null, missing: [], continues: [], retries: [], skips: [], still_open: stillOpen };
  if (state.manuallyPaused) plan.continues.push({ reason: PauseReason.Manual, task_id: null });
  for (const g of resumable) if (g.reason === PauseReason.Breakpoint) plan.continues.push({ reason: g.reason, task_id: g.taskId });

  for (const [taskId, spec] of specs) {
    const gate = failedGates.get(taskId);
    if (gate === undefined) return explainTarget(state, taskId) ?? refused(CommandErrorType.TaskNotGated, `task "${taskId}" is not failed and waiting for a repair`);
    const action = spec.action ?? (mode === ResumeMode.Continue ? undefined : mode);
    if (action === undefined) {
      return refused(CommandErrorType.CommandInvalid, `tasks.${taskId}: say "action": "retry" or "skip" (or use mode retry/skip)`);
    }
    const run = gate.run as TaskRun;
    if (action === 'retry') {
      plan.retries.push({ task_id: taskId, task_exec_id: run.taskExecId, input: spec.input !== undefined ? 'override' : 'resolved again' });
      continue;
    }
    if (!('output' in spec) || spec.output === undefined) {
      plan.missing.push({ task_id: taskId, need: 'output: skipping a task needs the output later tasks will read' });
      continue;
    }
    const task = state.tasks.get(taskId);
    const schema = task?.type === 'basic' ? task.output_schema : undefined;
    if (schema !== undefined) {
      const problems = checkAgainstSchema(schema, spec.output);
      if (problems.length > 0) {
        return refused(CommandErrorType.OutputInvalid, `tasks.${taskId}.output: ${problems.map((p) => `${p.path || '(output)'} ${p.message}`).join('; ')}`);
      }
    }
    if (task?.type === 'router' && !isRoute(task, spec.output)) {
      return refused(CommandErrorType.OutputInvalid, `tasks.${taskId}.output: a skipped router needs {"route": <task id>} naming one of its routes`);
    }
    plan.skips.push({ task_id: taskId, task_exec_id: run.taskExecId, output: spec.output });
  }

  // One request must address every failed gate (docs/design.md §14.4: every failed branch needs a decision).
  for (const [taskId] of failedGates) {
    if (!specs.some(([id]) => id === taskId)) plan.missing.push({ task_id: taskId, need: 'retry or skip: the task failed and its branch is paused' });
  }
  if (plan.missing.length > 0) {
    return { ...plan, ok: false, error: { type: CommandErrorType.ResumeRequirementsUnmet, message: `the resume does not address: ${plan.missing.map((m) => `${m.task_id} (${m.need})`).join('; ')}` } };
  }
  return plan;
}

/** Why a named task cannot be a resume target, if it cannot. */
function explainTarget(state: ResumeState, taskId: string): ResumePlan | undefined {
  if (!state.tasks.has(taskId)) return refused(CommandErrorType.TaskNotFound, `the definition has no task "${taskId}"`);
  const run = state.latestRun.get(taskId);
  if (run?.status === TaskStatus.Succeeded) {
    return refused(CommandErrorType.TaskAlreadyCompleted, `task "${taskId}" already succeeded (task_exec_id ${run.taskExecId}); a resume cannot re-run it`);
  }
  if (run === undefined) return refused(CommandErrorType.TaskNotGated, `task "${taskId}" has not run yet`);
  return undefined;
}

function isRoute(task: Extract<Task, { type: 'router' }>, output: unknown): boolean {
  const route = (output as { route?: unknown } | null)?.route;
  return typeof route === 'string' && (Object.values(task.routes).includes(route) || task.default === route);
}

function needOf(gate: Gate): string {
  switch (gate.reason) {
    case PauseReason.ApprovalRequired:
      return 'an approval decision (approve or reject)';
    case PauseReason.WaitingForSignal:
      return typeof gate.data.wait_for === 'string' ? `signal "${gate.data.wait_for}" or a task resume with resume_data` : 'a task resume with resume_data';
    default:
      return 'a resume';
  }
}
