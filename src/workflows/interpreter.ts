/**
 * The interpreter workflow: one workflow type runs every Cadenza definition. It stays thin; the
 * state machine lives in `ExecutionMachine`.
 */
import { allHandlersFinished, condition, setHandler, workflowInfo } from '@temporalio/workflow';
import type { ExecutionInput, ExecutionResult } from './contracts';
import { ExecutionMachine } from './execution-machine';
import { eventsQuery, executionQuery, statusQuery, taskContextQuery } from './messages';

/** Runs one execution of a definition; the workflow id is the execution id. */
export async function cadenzaInterpreter(input: ExecutionInput): Promise<ExecutionResult> {
  const machine = new ExecutionMachine(workflowInfo().workflowId, input);
  setHandler(statusQuery, () => machine.statusView());
  setHandler(executionQuery, () => machine.executionView());
  setHandler(taskContextQuery, (taskId) => machine.taskContextView(taskId));
  setHandler(eventsQuery, (args) => machine.journal.page(args));
  const result = await machine.run();
  await condition(allHandlersFinished);
  return result;
}
