/**
 * Message definitions of the interpreter workflow: queries here; pause/resume/taskResume/decide
 * signals and updates join them later. Names are what the `temporal` CLI uses
 * (`temporal workflow query --name status`).
 */
import { defineQuery } from '@temporalio/workflow';
import type { EventsPage, EventsQueryArgs, ExecutionView, StatusView, TaskContextView } from './contracts';

/** Status with seed 003's pause fields. */
export const statusQuery = defineQuery<StatusView>('status');

/** Full state: tasks, gates, outputs. */
export const executionQuery = defineQuery<ExecutionView>('execution');

/** Inbound context, resolved input, output, error and attempts of one task; `null` for an unknown or not yet scheduled task. */
export const taskContextQuery = defineQuery<TaskContextView | null, [taskId: string]>('taskContext');

/** A page of the journal after a sequence number. */
export const eventsQuery = defineQuery<EventsPage, [args?: EventsQueryArgs]>('events');
