/**
 * A definition's `schedule:` as a Temporal Schedule (docs/design.md §9), id `cadenza-schedule-<id>`:
 * `sync()` creates or updates it when a definition version is registered (and deletes it when the
 * latest version has no schedule), so each run starts the interpreter with that version's snapshot;
 * `list()`, `describe()`, `pause()` and `resume()` are the operator's view and switches. A schedule's
 * executions have ids `<definition id>-<uuid>-<scheduled time>`.
 */
import { type Client, ScheduleNotFoundError, type ScheduleOptions, type ScheduleDescription } from '@temporalio/client';
import { v5 as uuidV5 } from 'uuid';
import { localStartOptions } from '../definitions/local-tasks';
import type { VersionedDefinition } from '../definitions/schema';
import { ScheduleNotFound } from '../errors/inbound-problems';
import { templateEnvSnapshot } from '../executions/template-env';
import { type ExecutionInput, INTERPRETER_WORKFLOW_TYPE } from '../workflows/contracts';
import { CadenzaStatusKey, CadenzaWorkflowIdKey, CadenzaWorkflowVersionKey } from '../workflows/search-attributes';
import { ExecutionStatus } from '../workflows/states';

/** Schedule id prefix. */
export const SCHEDULE_ID_PREFIX = 'cadenza-schedule-';

/** UUID namespace of scheduled execution ids (fixed). */
const SCHEDULE_NAMESPACE = '8c0d2b3e-6a55-4f0e-b1f6-2f7a0d9c4e61';

/** A schedule as the API shows it. */
export interface ScheduleView {
  workflow_id: string;
  schedule_id: string;
  workflow_version: number | null;
  paused: boolean;
  note: string | null;
  spec: { cron: string | null; every: string | null; timezone: string | null };
  next_runs: string[];
  recent_runs: Array<{ execution_id: string; scheduled_at: string }>;
}

export interface ScheduleServiceOptions {
  client: Client;
  taskQueue: string;
  templateEnv: readonly string[];
  env?: NodeJS.ProcessEnv;
}

export class ScheduleService {
  constructor(private readonly options: ScheduleServiceOptions) {}

  /** Makes the Temporal Schedule follow `definition` (the latest version). */
  async sync(definition: VersionedDefinition): Promise<void> {
    const handle = this.options.client.schedule.getHandle(scheduleIdOf(definition.id));
    const schedule = definition.schedule;
    if (schedule === undefined) {
      await handle.delete().catch((error: unknown) => {
        if (!(error instanceof ScheduleNotFoundError)) throw error;
      });
      return;
    }
    const options = this.optionsFor(definition);
    try {
      await handle.update((previous) => ({ ...previous, spec: options.spec, action: options.action, policies: options.policies, state: { ...previous.state, ...(schedule.paused !== undefined && { paused: schedule.paused }) } }));
    } catch (error) {
      if (!(error instanceof ScheduleNotFoundError)) throw error;
      await this.options.client.schedule.create(options);
    }
  }

  /** Every Cadenza schedule. */
  async list(): Promise<ScheduleView[]> {
    const views: ScheduleView[] = [];
    for await (const summary of this.options.client.schedule.list()) {
      if (!summary.scheduleId.startsWith(SCHEDULE_ID_PREFIX)) continue;
      try {
        views.push(await this.describe(summary.scheduleId.slice(SCHEDULE_ID_PREFIX.length)));
      } catch (error) {
        if (!(error instanceof ScheduleNotFound)) throw error;
      }
    }
    return views;
  }

  async describe(workflowId: string): Promise<ScheduleView> {
    return view(workflowId, await this.handleOf(workflowId, (h) => h.describe()));
  }

  async pause(workflowId: string, note: string | undefined): Promise<ScheduleView> {
    await this.handleOf(workflowId, (h) => h.pause(note ?? 'paused through the Cadenza API'));
    return this.describe(workflowId);
  }

  async resume(workflowId: string, note: string | undefined): Promise<ScheduleView> {
    await this.handleOf(workflowId, (h) => h.unpause(note ?? 'resumed through the Cadenza API'));
    return this.describe(workflowId);
  }

  private async handleOf<T>(workflowId: string, fn: (handle: ReturnType<Client['schedule']['getHandle']>) => Promise<T>): Promise<T> {
    try {
      return await fn(this.options.client.schedule.getHandle(scheduleIdOf(workflowId)));
    } catch (error) {
      if (error instanceof ScheduleNotFoundError) throw new ScheduleNotFound(workflowId);
      throw error;
    }
  }

  private optionsFor(definition: VersionedDefinition): ScheduleOptions {
    const schedule = definition.schedule!;
    const input: ExecutionInput = {
      definition,
      input: schedule.input ?? {},
      env: templateEnvSnapshot(this.options.templateEnv, this.options.env ?? process.env),
      trigger: { source: 'schedule' },
    };
    return {
      scheduleId: scheduleIdOf(definition.id),
      spec: schedule.cron !== undefined ? { cronExpressions: [schedule.cron], ...(schedule.timezone !== undefined && { timezone: schedule.timezone }) } : { intervals: [{ every: schedule.every as `${number}s` }] },
      action: {
        type: 'startWorkflow',
        workflowType: INTERPRETER_WORKFLOW_TYPE,
        workflowId: `${definition.id}-${uuidV5(`${definition.id}@${definition.version}`, SCHEDULE_NAMESPACE)}`,
        taskQueue: this.options.taskQueue,
        args: [input],
        ...localStartOptions(definition),
        typedSearchAttributes: [
          { key: CadenzaStatusKey, value: ExecutionStatus.Running },
          { key: CadenzaWorkflowIdKey, value: definition.id },
          { key: CadenzaWorkflowVersionKey, value: definition.version },
        ],
      },
      policies: { overlap: schedule.overlap.toUpperCase() as NonNullable<ScheduleOptions['policies']>['overlap'] },
      state: { paused: schedule.paused ?? false },
    };
  }
}

/** The schedule id of a definition. */
export function scheduleIdOf(workflowId: string): string {
  return `${SCHEDULE_ID_PREFIX}${workflowId}`;
}

function view(workflowId: string, d: ScheduleDescription): ScheduleView {
  const args = d.action.type === 'startWorkflow' ? (d.action.args as ExecutionInput[] | undefined) : undefined;
  const declared = args?.[0]?.definition.schedule;
  return {
    workflow_id: workflowId,
    schedule_id: d.scheduleId,
    workflow_version: args?.[0]?.definition.version ?? null,
    paused: d.state.paused,
    note: d.state.note ?? null,
    spec: { cron: declared?.cron ?? null, every: declared?.every ?? null, timezone: declared?.timezone ?? null },
    next_runs: d.info.nextActionTimes.map((t) => t.toISOString()),
    recent_runs: d.info.recentActions.map((a) => ({ execution_id: a.action.workflow.workflowId, scheduled_at: a.scheduledAt.toISOString() })),
  };
}
