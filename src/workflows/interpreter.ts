/**
 * The interpreter workflow: one workflow type runs every Cadenza definition. It only wires handlers:
 * the state lives in `ExecutionMachine`, the commands in `ExecutionCommands`, and `handler-guard.ts`
 * makes every handler total, so no message can fail a workflow task (docs/design.md §4).
 */
import { ApplicationFailure, type UpdateDefinition } from '@temporalio/common';
import { allHandlersFinished, condition, continueAsNew, currentUpdateInfo, setDefaultSignalHandler, setHandler, workflowInfo } from '@temporalio/workflow';
import { type ContinuedState, isContinuedState } from './continued-state';
import { CallbackCommands, type CallbackRef } from './callback-commands';
import type { ExecutionInput, ExecutionResult, TaskContextView } from './contracts';
import { CommandRejection, ExecutionCommands } from './execution-commands';
import { CommandErrorType } from './commands';
import { decideBehaviour } from './execution-behaviour';
import { assertExecutionInput } from './execution-input';
import { ExecutionMachine } from './execution-machine';
import { executionView, taskContextView } from './execution-views';
import { describeError, guarded } from './handler-guard';
import { reservedSignalName } from './interceptors';
import {
  callbackQuery,
  callbackUpdate,
  commandRejectedSignal,
  decideSignal,
  decideUpdate,
  eventsQuery,
  executionQuery,
  pauseSignal,
  pauseUpdate,
  resumePlanQuery,
  resumeSignal,
  resumeUpdate,
  revokeCallbackUpdate,
  statusQuery,
  taskContextQuery,
  taskResumeSignal,
  taskResumeUpdate,
} from './messages';

/**
 * Runs one execution of a definition; the workflow id is the execution id. A run that continued from
 * another gets the state it carried as `continued` (docs/design.md §11).
 */
export async function cadenzaInterpreter(input: ExecutionInput, continued?: ContinuedState): Promise<ExecutionResult> {
  const behaviour = decideBehaviour(input, continued);
  assertExecutionInput(input);
  if (continued !== undefined && !isContinuedState(continued)) throw invalidContinuedState();
  const machine = new ExecutionMachine(workflowInfo().workflowId, input, behaviour, continued);
  const commands = new ExecutionCommands(machine);
  const callbacks = new CallbackCommands(machine, commands);
  const refuse = (rejection: CommandRejection | undefined): void => {
    if (rejection) throw rejection.toFailure();
  };

  /** A command signal: the same validation as the update; a refusal or an error is journaled, never thrown. */
  function signal(name: string, command: unknown, validate: () => CommandRejection | undefined, apply: () => unknown): void {
    try {
      const rejection = validate();
      if (rejection) {
        commands.reject(name, command, rejection, actorOf(command));
        return;
      }
      apply();
    } catch (err) {
      // A signal must never fail the workflow task: record what went wrong instead.
      commands.reject(name, command, new CommandRejection(CommandErrorType.CommandInvalid, describeError(err)), actorOf(command));
    }
  }

  const onPause = (c: unknown) => signal('pause', c, () => commands.validatePause(c), () => commands.applyPause(c));
  const onResume = (c: unknown) => signal('resume', c, () => commands.validateResume(c), () => commands.applyResume(c));
  const onTaskResume = (c: unknown) => signal('taskResume', c, () => commands.validateTaskResume(c), () => commands.applyTaskResume(c));
  const onDecide = (c: unknown) => signal('decide', c, () => commands.validateDecide(c), () => commands.applyDecide(c));
  const onRejected = (n: unknown) => signal('commandRejected', n, () => undefined, () => commands.recordRejection(n));
  const commandSignals: Record<string, (payload: unknown) => void> = {
    [pauseSignal.name]: onPause,
    [resumeSignal.name]: onResume,
    [taskResumeSignal.name]: onTaskResume,
    [decideSignal.name]: onDecide,
    [commandRejectedSignal.name]: onRejected,
  };
  const onAnySignal = (name: string, ...args: unknown[]) => {
    machine.continuation.countSignal();
    const reserved = reservedSignalName(name);
    if (reserved !== undefined) {
      signal(reserved, args[0], () => new CommandRejection(CommandErrorType.CommandInvalid, 'signal names starting with "__temporal_" are reserved by Temporal'), () => undefined);
      return;
    }
    const route = Object.hasOwn(commandSignals, name) ? commandSignals[name] : undefined;
    if (route !== undefined) route(args[0]);
    else signal(name, args[0], () => undefined, () => commands.receiveSignal(name, args[0] ?? null));
  };

  // Signals sent before a worker ran this code are buffered by the SDK: the default handler, set
  // first, takes all of them in the order they arrived (a named handler would take only its own).
  if (behaviour.signalsInArrivalOrder) setDefaultSignalHandler(onAnySignal);

  setHandler(statusQuery, guarded('the status query', () => machine.statusView()));
  setHandler(executionQuery, guarded('the execution query', () => executionView(machine.viewState())));
  setHandler(taskContextQuery, guarded('the taskContext query', (taskId: unknown) => withCallbackUrl(machine, typeof taskId === 'string' ? taskContextView(machine.viewState(), taskId) : null)));
  setHandler(eventsQuery, guarded('the events query', (args?: unknown) => machine.journal.page(args)));
  setHandler(resumePlanQuery, guarded('the resumePlan query', (command: unknown) => commands.plan(command)));

  /**
   * An update with the command's validation as its validator; both guarded. An update id the
   * execution applied in an earlier run (a client retrying across a continue-as-new) is not applied
   * again: it answers `again()`, the execution as it is now.
   */
  function commandUpdate<R, C>(update: UpdateDefinition<R, [C]>, validate: (c: unknown) => CommandRejection | undefined, apply: (c: unknown) => R, again: (c: unknown) => R): void {
    const what = `the ${update.name} command`;
    const seen = () => behaviour.longLife && machine.continuation.seenUpdate(currentUpdateInfo()?.id);
    const handler = (c: unknown): R => {
      if (seen()) return again(c);
      const result = apply(c);
      if (behaviour.longLife) machine.continuation.rememberUpdate(currentUpdateInfo()?.id);
      return result;
    };
    setHandler(update, guarded(what, handler), { validator: guarded(what, (c: C) => (seen() ? undefined : refuse(validate(c)))) });
  }
  const current = () => machine.statusView();
  commandUpdate(pauseUpdate, (c) => commands.validatePause(c), (c) => commands.applyPause(c), current);
  commandUpdate(resumeUpdate, (c) => commands.validateResume(c), (c) => commands.applyResume(c), (c) => ({ plan: commands.plan(c), status: current() }));
  commandUpdate(taskResumeUpdate, (c) => commands.validateTaskResume(c), (c) => commands.applyTaskResume(c), current);
  commandUpdate(decideUpdate, (c) => commands.validateDecide(c), (c) => commands.applyDecide(c), current);
  // Callback URLs (docs/design.md §9): updates only, the API checks the token with the query first.
  setHandler(callbackQuery, guarded('the callback query', (ref: unknown) => callbacks.lookup(ref)));
  commandUpdate(callbackUpdate, (c) => callbacks.validate(c), (c) => callbacks.apply(c), (c) => callbacks.apply(c));
  const revoked = (c: unknown) => ({ task_exec_id: (c as CallbackRef).task_exec_id, revoked: true as const });
  commandUpdate(revokeCallbackUpdate, (c) => callbacks.validateRevoke(c), (c) => callbacks.applyRevoke(c), revoked);

  setHandler(pauseSignal, onPause);
  setHandler(resumeSignal, onResume);
  setHandler(taskResumeSignal, onTaskResume);
  setHandler(decideSignal, onDecide);
  setHandler(commandRejectedSignal, onRejected);
  if (!behaviour.signalsInArrivalOrder) setDefaultSignalHandler(onAnySignal);

  const result = await machine.run();
  await condition(allHandlersFinished);
  if ('format' in result) {
    // Same workflow type, task queue and search attributes; the journal goes on at `first_seq`.
    return continueAsNew<typeof cadenzaInterpreter>(input, result);
  }
  return result;
}

function invalidContinuedState(): ApplicationFailure {
  return ApplicationFailure.nonRetryable('the continued state of this run is not one this Cadenza can read', 'InvalidContinuedState');
}

/** The task context with the URL of the run's open callback. */
function withCallbackUrl(machine: ExecutionMachine, view: TaskContextView | null): TaskContextView | null {
  return view === null ? null : { ...view, callback_url: machine.callbacks.urlOf(view.task_exec_id) };
}

function actorOf(command: unknown): string | undefined {
  const actor = (command as { actor?: unknown } | null)?.actor;
  return typeof actor === 'string' ? actor : undefined;
}
