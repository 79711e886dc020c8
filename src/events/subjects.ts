/**
 * The seeds' NATS subjects (docs/design.md §6): where each journal event is published, and what a command
 * subject names. The table is documented in docs/events.md.
 */
import { EventType, type JournalEvent } from '../workflows/events';

/** Last token of a task event's subject, `<p>.events.task.instance.<task_exec_id>.<suffix>`. */
export const taskEventSuffix: Readonly<Partial<Record<EventType, string>>> = {
  [EventType.TaskScheduled]: 'scheduled',
  [EventType.TaskDispatched]: 'dispatched',
  [EventType.TaskExecutionStarted]: 'started',
  [EventType.TaskExecutionSuccess]: 'completed',
  [EventType.TaskExecutionFailed]: 'failed',
  [EventType.TaskExecutionCancelled]: 'cancelled',
  [EventType.TaskRetryScheduled]: 'retry_scheduled',
  [EventType.TaskWaitingStarted]: 'waiting_started',
  [EventType.TaskWaitingResumed]: 'waiting_resumed',
  [EventType.TaskWaitingTimedOut]: 'waiting_timed_out',
  [EventType.TaskSkipped]: 'skipped',
  [EventType.ApprovalRequested]: 'approval_requested',
  [EventType.ApprovalDecided]: 'approval_decided',
};

/** Last token of a workflow event's subject, `<p>.events.workflow.instance.<exec_id>.<suffix>`. */
export const workflowEventSuffix: Readonly<Partial<Record<EventType, string>>> = {
  [EventType.WorkflowExecutionStarted]: 'started',
  [EventType.WorkflowExecutionPaused]: 'paused',
  [EventType.WorkflowExecutionResumed]: 'resumed',
  [EventType.WorkflowExecutionSuccess]: 'completed',
  [EventType.WorkflowExecutionFailed]: 'failed',
  [EventType.WorkflowExecutionCancelled]: 'cancelled',
  [EventType.WorkflowExecutionTimedOut]: 'timed_out',
  [EventType.CommandRejected]: 'command_rejected',
};

/** Event types after which an execution's journal normally gets nothing more. */
export const terminalEventTypes: ReadonlySet<string> = new Set<string>([
  EventType.WorkflowExecutionSuccess,
  EventType.WorkflowExecutionFailed,
  EventType.WorkflowExecutionCancelled,
  EventType.WorkflowExecutionTimedOut,
]);

/**
 * The subject of `event`. A task event goes to its task execution's subject; a workflow event (or a
 * task event that names no task execution) to its execution's; a type outside the tables (later
 * Agent*, Tool* events) gets its name in snake case.
 */
export function eventSubject(prefix: string, event: JournalEvent): string {
  const taskSuffix = taskEventSuffix[event.type];
  if (event.task_exec_id !== undefined && (taskSuffix !== undefined || workflowEventSuffix[event.type] === undefined)) {
    return `${prefix}.events.task.instance.${token(event.task_exec_id)}.${taskSuffix ?? snakeCase(event.type)}`;
  }
  const suffix = workflowEventSuffix[event.type] ?? taskSuffix ?? snakeCase(event.type);
  return `${prefix}.events.workflow.instance.${token(event.execution_id)}.${suffix}`;
}

/** Subjects the events stream captures. */
export function eventStreamSubjects(prefix: string): string[] {
  return [`${prefix}.events.>`];
}

/** Subjects the command consumer listens on. */
export function commandSubjects(prefix: string): string[] {
  return [`${prefix}.commands.workflow.>`, `${prefix}.commands.task.>`];
}

export const CommandName = {
  Trigger: 'trigger',
  Pause: 'pause',
  Resume: 'resume',
  Cancel: 'cancel',
  TaskResume: 'task_resume',
  Decide: 'decide',
} as const;
export type CommandName = (typeof CommandName)[keyof typeof CommandName];

/** What a command subject names. */
export type CommandTarget =
  | { command: typeof CommandName.Trigger; workflowId: string }
  | { command: typeof CommandName.Pause | typeof CommandName.Resume | typeof CommandName.Cancel; workflowId: string; executionId: string | undefined }
  | { command: typeof CommandName.TaskResume | typeof CommandName.Decide; workflowId: string; taskExecId: string };

/**
 * Parses `<p>.commands.workflow.<workflow_id>.<trigger|pause|resume|cancel>[.<exec_id>]`,
 * `<p>.commands.task.<workflow_id>.resume.<task_exec_id>` and
 * `<p>.commands.task.<workflow_id>.decide.<task_exec_id>`; a string says why a subject is not one.
 */
export function parseCommandSubject(prefix: string, subject: string): CommandTarget | string {
  const head = `${prefix}.commands.`;
  if (!subject.startsWith(head)) return `"${subject}" is not under ${head}`;
  const tokens = subject.slice(head.length).split('.');
  const [kind, workflowId, verb, target, ...rest] = tokens;
  if (rest.length > 0 || !workflowId || !verb) return `"${subject}" has the wrong number of tokens`;
  if (kind === 'workflow') {
    if (verb === 'trigger') return target === undefined ? { command: CommandName.Trigger, workflowId } : 'trigger takes no execution id: <p>.commands.workflow.<workflow_id>.trigger';
    if (verb === 'pause' || verb === 'resume' || verb === 'cancel') return { command: verb, workflowId, executionId: target };
    return `unknown workflow command "${verb}" (trigger, pause, resume, cancel)`;
  }
  if (kind === 'task') {
    if (target === undefined) return `a task command names the task execution: <p>.commands.task.<workflow_id>.${verb}.<task_exec_id>`;
    if (verb === 'resume') return { command: CommandName.TaskResume, workflowId, taskExecId: target };
    if (verb === 'decide') return { command: CommandName.Decide, workflowId, taskExecId: target };
    return `unknown task command "${verb}" (resume, decide)`;
  }
  return `unknown command kind "${kind ?? ''}" (workflow, task)`;
}

/** Ids are single subject tokens already; this keeps a stray dot or wildcard from splitting one. */
function token(id: string): string {
  return id.replace(/[.*>\s]/g, '_');
}

function snakeCase(type: string): string {
  return type.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}
