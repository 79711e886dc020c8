/**
 * Operator commands on an execution (docs/design.md §4): pause, resume (and its dry run), task resume,
 * approval decisions and generic signals. Commands are Temporal updates, so the workflow's validator
 * refuses a bad one synchronously (mapped to a problem by `command-refusals.ts`) and leaves no trace in
 * history. The actor always comes from the authenticated caller, never from a request body. Data a
 * command carries is bounded (`CADENZA_MAX_COMMAND_DATA_BYTES`, `413 command_data_too_large`), and
 * Temporal's own limits reached anyway are problems with stable types (`src/temporal/temporal-limits.ts`).
 */
import { type ExecutionLogger, noExecutionLog } from '../activities/agents/execution-log';
import { randomUUID } from 'node:crypto';
import {
  type Client,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
} from '@temporalio/client';
import { isUnknownQuery } from '../temporal/query-errors';
import type { UpdateDefinition } from '@temporalio/common';
import { CommandDataTooLarge } from '../errors/limit-problems';
import { ExecutionClosed, ExecutionNotFound } from '../errors/problems';
import { DEFAULT_MAX_COMMAND_DATA_BYTES } from '../limits/size-limits';
import { temporalLimitProblem } from '../temporal/temporal-limits';
import { DEFAULT_WORKER_DEADLINE_MS, withWorkerDeadline } from '../temporal/worker-deadline';
import type { DecideCommand, PauseCommand, ResumeCommand, ResumePlan, TaskResumeCommand } from '../workflows/commands';
import type { StatusView } from '../workflows/contracts';
import type { ResumeResult } from '../workflows/execution-commands';
import { decideUpdate, pauseUpdate, resumePlanQuery, resumeUpdate, taskResumeUpdate } from '../workflows/messages';
import { firstOversize } from '../workflows/payload-size';
import { commandRefusalProblem } from './command-refusals';
import { isExecutionId } from './execution-id';
import { describeExecution, explainNotFound, statusOf } from './execution-info';

/** Who sends a command: the authenticated caller. */
export interface CommandCaller {
  actor: string;
  roles: readonly string[];
}

export interface CommandOptions {
  /**
   * The request's `Idempotency-Key`. It becomes (part of) the update id, and Temporal answers a
   * repeated update id with the first outcome, so a retried request replays the first answer.
   */
  idempotencyKey?: string;
}

/** Which waiting task a TaskResume wakes. */
export type TaskRef = { task_id: string } | { task_exec_id: string };

export type PauseRequest = Omit<PauseCommand, 'actor'>;
export type ResumeRequest = Omit<ResumeCommand, 'actor'>;
export type DecisionRequest = Omit<DecideCommand, 'actor' | 'roles' | 'task_id'>;

export interface CommandServiceOptions {
  client: Client;
  /** Bound of each update or query (ms); past it the call fails with `worker_unavailable`. */
  deadlineMs?: number;
  /** Largest data a command may carry (`CADENZA_MAX_COMMAND_DATA_BYTES`); default 256 KiB. */
  maxCommandDataBytes?: number;
  /** `LogEmitted` lines of the api component: each command applied or refused (docs/design.md §8). */
  log?: ExecutionLogger;
}

export class ExecutionCommandService {
  private readonly client: Client;
  private readonly deadlineMs: number;
  private readonly maxDataBytes: number;
  private readonly log: ExecutionLogger;

  constructor(options: CommandServiceOptions) {
    this.client = options.client;
    this.log = options.log ?? noExecutionLog;
    this.deadlineMs = options.deadlineMs ?? DEFAULT_WORKER_DEADLINE_MS;
    this.maxDataBytes = options.maxCommandDataBytes ?? DEFAULT_MAX_COMMAND_DATA_BYTES;
  }

  /** WorkflowPause: graceful (in-flight tasks finish) or immediate. */
  pause(executionId: string, request: PauseRequest, caller: CommandCaller, options: CommandOptions = {}): Promise<StatusView> {
    return this.update(executionId, 'pause', pauseUpdate, { ...request, actor: caller.actor }, updateId('pause', caller, [], options));
  }

  /** WorkflowResume: continue, retry or skip (docs/design.md §5). */
  resume(executionId: string, request: ResumeRequest, caller: CommandCaller, options: CommandOptions = {}): Promise<ResumeResult> {
    this.assertDataFits(executionId, 'resume', resumeData(request));
    return this.update(executionId, 'resume', resumeUpdate, { ...request, actor: caller.actor }, updateId('resume', caller, [], options));
  }

  /** The resume's dry run: what it would do and what it misses. Changes nothing. */
  async planResume(executionId: string, request: ResumeRequest, caller: CommandCaller): Promise<ResumePlan> {
    if (!isExecutionId(executionId)) throw new ExecutionNotFound(executionId);
    this.assertDataFits(executionId, 'resume', resumeData(request));
    const handle = this.client.workflow.getHandle(executionId);
    try {
      return await withWorkerDeadline(this.client, this.deadlineMs, 'the resume plan query', () =>
        handle.query(resumePlanQuery, { ...request, actor: caller.actor }),
      );
    } catch (error) {
      if (error instanceof WorkflowNotFoundError || isUnknownQuery(error)) throw new ExecutionNotFound(executionId);
      throw error;
    }
  }

  /** TaskResume (docs/design.md §14.0): wakes a waiting task with `resume_data`. */
  resumeTask(executionId: string, task: TaskRef, resumeData: unknown, caller: CommandCaller, options: CommandOptions = {}): Promise<StatusView> {
    this.assertDataFits(executionId, 'taskResume', [['body.resume_data', resumeData]]);
    const command: TaskResumeCommand = { ...task, resume_data: resumeData, actor: caller.actor };
    const target = 'task_id' in task ? task.task_id : task.task_exec_id;
    return this.update(executionId, 'taskResume', taskResumeUpdate, command, updateId('taskResume', caller, [target], options));
  }

  /** ApprovalDecide: the approver is the caller (name and roles from its key). */
  decide(executionId: string, taskId: string, request: DecisionRequest, caller: CommandCaller, options: CommandOptions = {}): Promise<StatusView> {
    this.assertDataFits(executionId, 'decide', [['body.data', request.data]]);
    const command: DecideCommand = { ...request, task_id: taskId, actor: caller.actor, roles: [...caller.roles] };
    return this.update(executionId, 'decide', decideUpdate, command, updateId('decide', caller, [taskId], options));
  }

  /**
   * A generic signal (a `wait_for` name) with its payload. Fire-and-forget: a payload that does not
   * meet a waiting task's condition is journaled as CommandRejected and the task keeps waiting.
   */
  async signal(executionId: string, name: string, payload: unknown): Promise<void> {
    this.assertDataFits(executionId, 'signal', [['body.payload', payload]]);
    const description = await describeExecution(this.client, executionId);
    if (description.status.name !== 'RUNNING') throw new ExecutionClosed(executionId, statusOf(description));
    try {
      await this.client.workflow.getHandle(executionId).signal(name, payload ?? null);
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) throw await explainNotFound(this.client, executionId);
      throw temporalLimitProblem(error, { execution_id: executionId, command: 'signal', signal: name }) ?? error;
    }
  }

  /** Refuses a command whose data is over `CADENZA_MAX_COMMAND_DATA_BYTES`, before anything is sent. */
  private assertDataFits(executionId: string, command: string, data: Iterable<readonly [string, unknown]>): void {
    const oversize = firstOversize(data, this.maxDataBytes);
    if (oversize) throw new CommandDataTooLarge({ ...oversize, limit: 'CADENZA_MAX_COMMAND_DATA_BYTES' }, executionId, command);
  }

  /** Sends a command update; the api component logs what became of it (`LogEmitted`). */
  private async update<Ret, Arg>(executionId: string, command: string, definition: UpdateDefinition<Ret, [Arg]>, arg: Arg, id: string): Promise<Ret> {
    const data = { command, update_id: id };
    try {
      const answer = await this.send(executionId, command, definition, arg, id);
      this.log({ component: 'api', level: 'info', message: `${command} applied`, execution_id: executionId, data });
      return answer;
    } catch (error) {
      this.log({ component: 'api', level: 'warn', message: `${command} refused: ${error instanceof Error ? error.message : String(error)}`, execution_id: executionId, data });
      throw error;
    }
  }

  private async send<Ret, Arg>(executionId: string, command: string, definition: UpdateDefinition<Ret, [Arg]>, arg: Arg, id: string): Promise<Ret> {
    if (!isExecutionId(executionId)) throw new ExecutionNotFound(executionId);
    const handle = this.client.workflow.getHandle(executionId);
    try {
      return await withWorkerDeadline(this.client, this.deadlineMs, `the ${command} update`, () => handle.executeUpdate(definition, { args: [arg], updateId: id }));
    } catch (error) {
      if (error instanceof WorkflowUpdateFailedError) {
        const refusal = commandRefusalProblem(error.cause, executionId, command);
        if (refusal) throw refusal;
        // Not one of ours: a workflow with an execution-like id that has no such update.
        const missing = await explainNotFound(this.client, executionId);
        if (missing instanceof ExecutionNotFound) throw missing;
        throw error;
      }
      // Temporal answers NOT_FOUND for an update on a closed workflow.
      if (error instanceof WorkflowNotFoundError) throw await explainNotFound(this.client, executionId);
      throw temporalLimitProblem(error, { execution_id: executionId, command }) ?? error;
    }
  }
}

/**
 * The update id: scoped by command, caller and target, so one key never replays the answer of another
 * command or caller. Without a key every request is a new update.
 */
function updateId(command: string, caller: CommandCaller, target: string[], options: CommandOptions): string {
  const key = options.idempotencyKey ?? randomUUID();
  return [command, caller.actor, ...target, key].map(encodeURIComponent).join('/');
}

/** The data a resume carries, by path: each task's input and output, and the context patch. */
function* resumeData(request: ResumeRequest): Generator<readonly [string, unknown]> {
  for (const [taskId, spec] of Object.entries(request.tasks ?? {})) {
    yield [`body.tasks.${taskId}.input`, (spec as { input?: unknown } | null)?.input];
    yield [`body.tasks.${taskId}.output`, (spec as { output?: unknown } | null)?.output];
  }
  yield ['body.context', request.context];
}
