/**
 * Commands from NATS (docs/design.md §4, §6): `<p>.commands.workflow.<workflow_id>.<trigger|pause|resume|cancel>[.<exec_id>]`,
 * `<p>.commands.task.<workflow_id>.resume.<task_exec_id>` (docs/design.md §14.0) and
 * `<p>.commands.task.<workflow_id>.decide.<task_exec_id>` (approvals). Each runs through the same
 * services as REST (`ExecutionService`, `ExecutionCommandService`: updates with validators), as the
 * caller its API key names, and is answered on the reply subject with the result or the problem REST
 * would have given (same `type`s). A queue group makes each command run once across API nodes.
 */
import type { Msg, NatsConnection, Subscription } from '@nats-io/transport-node';
import { headers as natsHeaders } from '@nats-io/transport-node';
import type { Client } from '@temporalio/client';
import type { ApiKeyRegistry, Principal } from '../auth/api-key-registry';
import { temporalLimitProblem } from '../temporal/temporal-limits';
import { isTemporalUnreachable } from '../temporal/unreachable';
import { ApiProblem, CommandRefused, InternalError, NotFound, TemporalUnavailable, ValidationFailed } from '../errors/problems';
import type { CommandCaller, ExecutionCommandService } from '../executions/command-service';
import type { ExecutionService } from '../executions/execution-service';
import { CommandErrorType, type DecideCommand, type PauseCommand, type ResumeCommand } from '../workflows/commands';
import { authorizeCommand } from './command-auth';
import { type CommandBody, checkSubjectIds, idempotencyKeyOf, parseCommandBody, validateMessage as validate } from './command-body';
import {
  CancelMessageSchema,
  type CommandReply,
  DecideMessageSchema,
  PauseMessageSchema,
  REPLY_STATUS_HEADER,
  ResumeMessageSchema,
  TaskResumeMessageSchema,
  TriggerMessageSchema,
} from './command-messages';
import { CommandRejectionJournal, type RefusedCommand } from './command-rejections';
import { encodeReply } from './command-reply';
import type { EventsLog } from './events-log';
import { ExecutionOwnership } from './execution-ownership';
import type { NatsNames } from './nats-config';
import { CommandName, type CommandTarget, commandSubjects, parseCommandSubject } from './subjects';
import type { TaskExecutionLocator } from './task-execution-locator';

export interface CommandConsumerOptions {
  names: NatsNames;
  client: Client;
  executions: ExecutionService;
  commands: ExecutionCommandService;
  keys: ApiKeyRegistry;
  locator: TaskExecutionLocator;
  log?: EventsLog;
}

/** A NATS server's default `max_payload`, until the connection says otherwise. */
const DEFAULT_MAX_PAYLOAD = 1_048_576;

export class NatsCommandConsumer {
  private subscriptions: Subscription[] = [];
  private subscribedOn: NatsConnection | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly rejections: CommandRejectionJournal;
  private readonly ownership: ExecutionOwnership;

  constructor(private readonly options: CommandConsumerOptions) {
    this.rejections = new CommandRejectionJournal(options.client);
    this.ownership = new ExecutionOwnership(options.client);
  }

  /** Subscribes on `nc` (once per connection object; NATS re-subscribes by itself after a reconnect). */
  /** Subscribes on `nc`; resolves once the server has the subscriptions, so a request finds a responder. */
  async attach(nc: NatsConnection): Promise<void> {
    if (this.subscribedOn === nc) return;
    this.subscribedOn = nc;
    this.subscriptions = commandSubjects(this.options.names.prefix).map((subject) =>
      nc.subscribe(subject, {
        queue: this.options.names.commandQueue,
        callback: (error, msg) => {
          if (error) {
            this.options.log?.('warn', `NATS commands: subscription error on ${subject}: ${error.message}`);
            return;
          }
          const handling = this.handle(msg).catch((e: unknown) => this.options.log?.('error', 'NATS commands: answering failed', e));
          this.inFlight.add(handling);
          void handling.finally(() => this.inFlight.delete(handling));
        },
      }),
    );
    await nc.flush();
  }

  /** Stops taking commands and waits for the ones being handled. */
  async close(): Promise<void> {
    for (const sub of this.subscriptions) sub.unsubscribe();
    this.subscriptions = [];
    await Promise.allSettled([...this.inFlight]);
  }

  /** Runs one command message and answers it (when it has a reply subject). */
  async handle(msg: Msg): Promise<void> {
    let reply: CommandReply;
    let status: number;
    let command: string | null = null;
    try {
      const target = parseCommandSubject(this.options.names.prefix, msg.subject);
      if (typeof target === 'string') throw new NotFound('route_not_found', 'Route not found', `no command at subject "${msg.subject}": ${target}`);
      command = target.command;
      const principal = authorizeCommand(this.options.keys, msg.headers, target.command);
      checkSubjectIds(target);
      const result = await this.run(target, parseCommandBody(msg.data), principal, idempotencyKeyOf(msg.headers));
      status = target.command === CommandName.Trigger || target.command === CommandName.Cancel ? 202 : 200;
      reply = { ok: true, command, result };
    } catch (error) {
      const problem = this.toProblem(error);
      status = problem.status;
      reply = { ok: false, command, problem: problem.toDocument(msg.subject) };
      if (msg.reply === undefined || msg.reply === '') this.options.log?.('warn', `NATS commands: ${msg.subject} refused (${problem.slug}): ${problem.detail}`);
    }
    if (msg.reply) {
      const h = natsHeaders();
      h.set(REPLY_STATUS_HEADER, String(status));
      msg.respond(encodeReply(reply, this.subscribedOn?.info?.max_payload ?? DEFAULT_MAX_PAYLOAD), { headers: h });
    }
  }

  private async run(target: CommandTarget, body: CommandBody, principal: Principal, idempotencyKey: string | undefined): Promise<unknown> {
    const { executions, commands } = this.options;
    const caller: CommandCaller = { actor: principal.name, roles: principal.roles };
    const options = idempotencyKey === undefined ? {} : { idempotencyKey };
    switch (target.command) {
      case CommandName.Trigger: {
        const m = validate(TriggerMessageSchema, body);
        return executions.trigger({
          workflowId: target.workflowId,
          ...(m.version === undefined ? {} : { version: m.version }),
          input: m.input,
          ...options,
          source: 'nats',
          actor: principal.name,
        });
      }
      case CommandName.Pause: {
        const m = validate(PauseMessageSchema, body);
        const executionId = await this.executionOf(target, m.execution_id);
        const request = defined({ reason: m.reason, mode: m.mode }) as Omit<PauseCommand, 'actor'>;
        return this.refusalJournaled(executionId, { name: 'pause', command: { ...request, actor: caller.actor } }, () =>
          commands.pause(executionId, request, caller, options),
        );
      }
      case CommandName.Resume: {
        const m = validate(ResumeMessageSchema, body);
        const executionId = await this.executionOf(target, m.execution_id);
        const request = defined({ mode: m.mode, tasks: m.tasks, context: m.context, reason: m.reason }) as Omit<ResumeCommand, 'actor'>;
        if (m.dry_run === true) return { execution_id: executionId, dry_run: true, plan: await commands.planResume(executionId, request, caller), status: null };
        const result = await this.refusalJournaled(executionId, { name: 'resume', command: { ...request, actor: caller.actor } }, () =>
          commands.resume(executionId, request, caller, options),
        );
        return { execution_id: executionId, dry_run: false, plan: result.plan, status: result.status };
      }
      case CommandName.Cancel: {
        const m = validate(CancelMessageSchema, body);
        const executionId = await this.executionOf(target, m.execution_id);
        const status = await executions.cancel(executionId);
        return { execution_id: executionId, status, cancel_requested: true };
      }
      case CommandName.TaskResume: {
        const m = validate(TaskResumeMessageSchema, body);
        const { execution_id: executionId } = await this.locate(target.workflowId, target.taskExecId, m.execution_id);
        const resumeData = m.resume_data ?? null;
        const command = { task_exec_id: target.taskExecId, resume_data: resumeData, actor: caller.actor };
        return this.refusalJournaled(executionId, { name: 'taskResume', command }, () =>
          commands.resumeTask(executionId, { task_exec_id: target.taskExecId }, resumeData, caller, options),
        );
      }
      case CommandName.Decide: {
        const m = validate(DecideMessageSchema, body);
        const { execution_id: executionId, task_id: taskId } = await this.locate(target.workflowId, target.taskExecId, m.execution_id);
        // The subject names one run of the approval: the workflow decides exactly that gate.
        const request = defined({ decision: m.decision, comment: m.comment, data: m.data, task_exec_id: target.taskExecId }) as Omit<DecideCommand, 'actor' | 'roles' | 'task_id'>;
        const command: DecideCommand = { ...request, task_id: taskId, actor: caller.actor, roles: [...caller.roles] };
        return this.refusalJournaled(executionId, { name: 'decide', command }, () => commands.decide(executionId, taskId, request, caller, options));
      }
    }
  }

  /** Runs `apply`; when the execution refuses the command, journals the refusal where safe and rethrows. */
  private async refusalJournaled<T>(executionId: string, refused: RefusedCommand, apply: () => Promise<T>): Promise<T> {
    try {
      return await apply();
    } catch (error) {
      if (error instanceof CommandRefused) {
        const journaled = await this.rejections.record(executionId, refused, error.slug, error.detail);
        error.extensions.journaled = journaled;
      }
      throw error;
    }
  }

  private async locate(workflowId: string, taskExecId: string, executionId: string | undefined): Promise<{ execution_id: string; task_id: string }> {
    const { locator } = this.options;
    if (executionId !== undefined) {
      await this.ownership.assertBelongs(workflowId, executionId);
      const taskId = await locator.taskIdIn(executionId, taskExecId).catch(() => undefined);
      if (taskId === undefined) throw taskExecutionNotFound(workflowId, taskExecId);
      return { execution_id: executionId, task_id: taskId };
    }
    const found = await locator.locate(workflowId, taskExecId);
    // The gate index and the scan are hints: the execution's own record says whose it is.
    if (found === undefined || !(await this.ownership.belongs(workflowId, found.execution_id))) throw taskExecutionNotFound(workflowId, taskExecId);
    return found;
  }

  /** The execution a workflow command addresses (the subject's last token, else `execution_id` in the body), if it is one of `workflowId`'s. */
  private async executionOf(target: Extract<CommandTarget, { executionId: string | undefined }>, fromBody: string | undefined): Promise<string> {
    if (target.executionId !== undefined && fromBody !== undefined && fromBody !== target.executionId) {
      throw new ValidationFailed([{ path: 'body.execution_id', message: 'differs from the execution id in the subject' }]);
    }
    const executionId = target.executionId ?? fromBody;
    if (executionId === undefined) {
      throw new ValidationFailed([
        { path: 'subject', message: `name the execution: <p>.commands.workflow.${target.workflowId}.${target.command}.<exec_id> (or "execution_id" in the body)` },
      ]);
    }
    await this.ownership.assertBelongs(target.workflowId, executionId);
    return executionId;
  }

  private toProblem(error: unknown): ApiProblem {
    if (error instanceof ApiProblem) return error;
    if (isTemporalUnreachable(error)) return new TemporalUnavailable('the Temporal server cannot be reached', error);
    const limit = temporalLimitProblem(error);
    if (limit) return limit;
    this.options.log?.('error', 'NATS commands: unexpected error', error);
    return new InternalError(error);
  }
}

function taskExecutionNotFound(workflowId: string, taskExecId: string): CommandRefused {
  return new CommandRefused({
    status: 404,
    slug: CommandErrorType.TaskNotFound,
    title: 'Task not found',
    detail: `no waiting task or pending approval with task_exec_id "${taskExecId}" in an open execution of "${workflowId}"`,
    extensions: { workflow_id: workflowId, task_exec_id: taskExecId },
  });
}

function defined(fields: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
}
