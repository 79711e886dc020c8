/**
 * The interpreter workflow: one workflow type runs every Cadenza definition. It stays thin: the state
 * machine lives in `ExecutionMachine`, the commands in `ExecutionCommands`.
 */
import { allHandlersFinished, condition, setDefaultSignalHandler, setHandler, workflowInfo } from '@temporalio/workflow';
import type { ExecutionInput, ExecutionResult } from './contracts';
import { CommandRejection, ExecutionCommands } from './execution-commands';
import { CommandErrorType, type DecideCommand, type PauseCommand, type ResumeCommand, type TaskResumeCommand } from './commands';
import { ExecutionMachine } from './execution-machine';
import {
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
  statusQuery,
  taskContextQuery,
  taskResumeSignal,
  taskResumeUpdate,
} from './messages';

/** Runs one execution of a definition; the workflow id is the execution id. */
export async function cadenzaInterpreter(input: ExecutionInput): Promise<ExecutionResult> {
  const machine = new ExecutionMachine(workflowInfo().workflowId, input);
  const commands = new ExecutionCommands(machine);
  const refuse = (rejection: CommandRejection | undefined): void => {
    if (rejection) throw rejection.toFailure();
  };

  setHandler(statusQuery, () => machine.statusView());
  setHandler(executionQuery, () => machine.executionView());
  setHandler(taskContextQuery, (taskId) => machine.taskContextView(taskId));
  setHandler(eventsQuery, (args) => machine.journal.page(args));
  setHandler(resumePlanQuery, (command) => commands.plan(command));

  setHandler(pauseUpdate, (c) => commands.applyPause(c), { validator: (c: PauseCommand) => refuse(commands.validatePause(c)) });
  setHandler(resumeUpdate, (c) => commands.applyResume(c), { validator: (c: ResumeCommand) => refuse(commands.validateResume(c)) });
  setHandler(taskResumeUpdate, (c) => commands.applyTaskResume(c), { validator: (c: TaskResumeCommand) => refuse(commands.validateTaskResume(c)) });
  setHandler(decideUpdate, (c) => commands.applyDecide(c), { validator: (c: DecideCommand) => refuse(commands.validateDecide(c)) });

  // Signals run the same validation; a refused one is journaled and ignored.
  setHandler(pauseSignal, (c) => signal('pause', c, commands.validatePause(c), () => commands.applyPause(c)));
  setHandler(resumeSignal, (c) => signal('resume', c, commands.validateResume(c), () => commands.applyResume(c)));
  setHandler(taskResumeSignal, (c) => signal('taskResume', c, commands.validateTaskResume(c), () => commands.applyTaskResume(c)));
  setHandler(decideSignal, (c) => signal('decide', c, commands.validateDecide(c), () => commands.applyDecide(c)));
  setHandler(commandRejectedSignal, (notice) => commands.recordRejection(notice));
  setDefaultSignalHandler((name, ...args) => commands.receiveSignal(name, args[0] ?? null));

  function signal(name: string, command: unknown, rejection: CommandRejection | undefined, apply: () => unknown): void {
    if (rejection) {
      commands.reject(name, command, rejection, actorOf(command));
      return;
    }
    try {
      apply();
    } catch (err) {
      // A signal must never fail the workflow task: record what went wrong instead.
      commands.reject(name, command, new CommandRejectionFromError(err), actorOf(command));
    }
  }

  const result = await machine.run();
  await condition(allHandlersFinished);
  return result;
}

function actorOf(command: unknown): string | undefined {
  const actor = (command as { actor?: unknown } | null)?.actor;
  return typeof actor === 'string' ? actor : undefined;
}

class CommandRejectionFromError extends CommandRejection {
  constructor(err: unknown) {
    super(CommandErrorType.CommandInvalid, err instanceof Error ? err.message : String(err));
  }
}
