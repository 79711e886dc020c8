/**
 * Message definitions of the interpreter workflow. Every command exists as a signal (fire-and-forget:
 * Temporal CLI, Web UI, NATS) and as an update of the same name with a validator (REST). Names are
 * what the `temporal` CLI uses, e.g. `temporal workflow signal --name pause`.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { CallbackCommand, CallbackRef } from './callback-commands';
import type { CallbackAnswer, CallbackLookup } from './callbacks';
import type { CommandRejectedNotice, DecideCommand, PauseCommand, ResumeCommand, ResumePlan, TaskResumeCommand } from './commands';
import type { EventsPage, EventsQueryArgs, ExecutionView, StatusView, TaskContextView } from './contracts';
import type { ResumeResult } from './execution-commands';

/** Status with docs/design.md §14.3's pause fields. */
export const statusQuery = defineQuery<StatusView>('status');

/** Full state: tasks, gates, outputs. */
export const executionQuery = defineQuery<ExecutionView>('execution');

/** Inbound context, resolved input, output, error and attempts of one task; `null` for an unknown or not yet scheduled task. */
export const taskContextQuery = defineQuery<TaskContextView | null, [taskId: string]>('taskContext');

/** A page of the journal after a sequence number. */
export const eventsQuery = defineQuery<EventsPage, [args?: EventsQueryArgs]>('events');

/** What a resume would do, and what it misses; changes nothing (the REST dry run). */
export const resumePlanQuery = defineQuery<ResumePlan, [command: ResumeCommand]>('resumePlan');

/** Pause: graceful (in-flight tasks finish) or immediate (they are cancelled and re-run on resume). */
export const pauseSignal = defineSignal<[command: PauseCommand]>('pause');
export const pauseUpdate = defineUpdate<StatusView, [command: PauseCommand]>('pause');

/** Resume: continue, retry failed tasks, or skip them with supplied outputs. */
export const resumeSignal = defineSignal<[command: ResumeCommand]>('resume');
export const resumeUpdate = defineUpdate<ResumeResult, [command: ResumeCommand]>('resume');

/** Wakes a waiting task with resume data (docs/design.md §14.0). */
export const taskResumeSignal = defineSignal<[command: TaskResumeCommand]>('taskResume');
export const taskResumeUpdate = defineUpdate<StatusView, [command: TaskResumeCommand]>('taskResume');

/** Decides an approval (docs/design.md §14.3). */
export const decideSignal = defineSignal<[command: DecideCommand]>('decide');
export const decideUpdate = defineUpdate<StatusView, [command: DecideCommand]>('decide');

/** Uses a callback URL (docs/design.md §9): resumes its waiting task; the same answer on every use. */
export const callbackUpdate = defineUpdate<CallbackAnswer, [command: CallbackCommand]>('callback');

/** Revokes a task execution's open callback URL. */
export const revokeCallbackUpdate = defineUpdate<{ task_exec_id: string; revoked: true }, [ref: CallbackRef]>('revokeCallback');

/** Where a callback token stands: open, used (with its answer), expired, revoked, or unknown. */
export const callbackQuery = defineQuery<CallbackLookup, [ref: CallbackRef]>('callback');

/** Journals a command refused outside the workflow (e.g. a NATS command whose update was refused). */
export const commandRejectedSignal = defineSignal<[notice: CommandRejectedNotice]>('commandRejected');

/**
 * Signal names the interpreter handles as commands. They are reserved: a generic signal
 * (`POST /signals/{name}`) or a wait task's `wait_for` may not use them.
 */
export const COMMAND_SIGNAL_NAMES: readonly string[] = [pauseSignal.name, resumeSignal.name, taskResumeSignal.name, decideSignal.name, commandRejectedSignal.name];
