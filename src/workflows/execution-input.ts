/**
 * A structural check of the interpreter's input before anything reads it. The API validates a
 * definition fully before starting an execution, but anyone with access to Temporal can start the
 * workflow type with any input (`temporal workflow start --type cadenzaInterpreter --input ...`).
 * Such an execution fails at once with a clear, non-retryable error instead of failing its first
 * workflow task on every retry (docs/design.md §4).
 */
import { ApplicationFailure } from '@temporalio/workflow';
import type { ExecutionInput } from './contracts';

/** `ApplicationFailure` type of an execution started with an input that is not a Cadenza execution input. */
export const INVALID_EXECUTION_INPUT = 'InvalidExecutionInput';

const taskTypes: readonly string[] = ['basic', 'router', 'parallel', 'approval', 'wait', 'set'];

/** Throws a non-retryable `InvalidExecutionInput` failure naming the first problem of `input`. */
export function assertExecutionInput(input: unknown): asserts input is ExecutionInput {
  const problem = inputProblem(input);
  if (problem !== undefined) {
    throw ApplicationFailure.create({ type: INVALID_EXECUTION_INPUT, message: `not a Cadenza execution input: ${problem}`, nonRetryable: true });
  }
}

function inputProblem(input: unknown): string | undefined {
  if (!isObject(input)) return 'the input must be an object';
  const definition = input.definition;
  if (!isObject(definition)) return 'definition must be an object';
  if (typeof definition.id !== 'string' || definition.id.length === 0) return 'definition.id must be a string';
  if (typeof definition.version !== 'number') return 'definition.version must be a number';
  if (input.env !== undefined && !isObject(input.env)) return 'env must be an object';
  if (input.trigger !== undefined && !isObject(input.trigger)) return 'trigger must be an object';
  if (definition.config !== undefined && !isObject(definition.config)) return 'definition.config must be an object';
  if (definition.agents !== undefined && (!Array.isArray(definition.agents) || !definition.agents.every((a) => isObject(a) && typeof a.id === 'string' && isObject(a.model)))) {
    return 'definition.agents must be an array of agents with an id and a model';
  }
  return tasksProblem(definition.tasks, 'definition.tasks');
}

function tasksProblem(tasks: unknown, path: string): string | undefined {
  if (!Array.isArray(tasks) || tasks.length === 0) return `${path} must be a non-empty array`;
  for (const [i, task] of tasks.entries()) {
    const at = `${path}[${i}]`;
    if (!isObject(task)) return `${at} must be an object`;
    if (typeof task.id !== 'string') return `${at}.id must be a string`;
    if (typeof task.type !== 'string' || !taskTypes.includes(task.type)) return `${at}.type must be one of ${taskTypes.join(', ')}`;
    if (task.type === 'router' && (typeof task.condition !== 'string' || !isObject(task.routes))) return `${at} needs a condition string and a routes object`;
    if (task.type === 'basic' && typeof task.tool !== 'string' && typeof task.agent !== 'string') return `${at}.tool must be a string`;
    if (task.type === 'wait' && typeof task.wait_for !== 'string') return `${at}.wait_for must be a string`;
    if (task.type === 'set' && !isObject(task.values)) return `${at}.values must be an object`;
    if (task.type === 'parallel') {
      if (!Array.isArray(task.branches) || task.branches.length === 0) return `${at}.branches must be a non-empty array`;
      for (const [j, branch] of task.branches.entries()) {
        if (!isObject(branch) || typeof branch.id !== 'string') return `${at}.branches[${j}] needs an id`;
        const inner = tasksProblem(branch.tasks, `${at}.branches[${j}].tasks`);
        if (inner !== undefined) return inner;
      }
    }
  }
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
