/**
 * Static checks of a definition that zod cannot express (docs/design.md §2): unique ids, transition targets,
 * reachability, cycles, CEL expressions and templates, JSON Schemas, the size of the approvers.
 *
 * A flow is the top-level task list or the task list of one parallel branch. Each flow starts at its
 * first task; transitions (`on_success.next`, `on_error.next`, router `routes`/`default`) stay inside
 * their flow. v1 has no loops, so any cycle is an error.
 */
import { agentIssues } from './validate-agents';
import { awaitingSizeIssues } from './awaiting-size';
import { closestMatch } from './closest-match';
import type { DefinitionIssue } from './definition-error';
import { compileExpression, EXPRESSION_ROOTS, ExpressionError, type CompiledExpression } from './expressions';
import { compileJsonSchema, JsonSchemaError } from './json-schema';
import { shortTaskIssues } from './local-tasks';
import type { Definition, Task } from './schema';
import { findTemplateExpressions, TemplateError } from './templates';
import { triggerIssues } from './trigger-checks';
import { appendPath } from './value-path';

interface Flow {
  /** How messages name the flow: `the top-level flow`, `branch "left" of parallel "fanout"`. */
  description: string;
  members: FlowMember[];
}

interface FlowMember {
  task: Task;
  /** Path of the task, e.g. `tasks[0].branches[1].tasks[2]`. */
  path: string;
  flow: Flow;
}

/** A transition of one task: where it is written and which task it names. */
interface Transition {
  path: string;
  target: string;
}

/** Checks an already schema-valid definition; returns every issue found (empty when valid). */
export function validateDefinition(definition: Definition): DefinitionIssue[] {
  return new GraphValidator(definition).run();
}

class GraphValidator {
  private readonly issues: DefinitionIssue[] = [];
  private readonly flows: Flow[] = [];
  /** First task with each id. */
  private readonly tasksById = new Map<string, FlowMember>();

  constructor(private readonly definition: Definition) {}

  run(): DefinitionIssue[] {
    this.collectFlow(this.definition.tasks, 'tasks', 'the top-level flow');
    for (const flow of this.flows) this.checkFlow(flow);
    for (const flow of this.flows) {
      for (const member of flow.members) this.checkExpressions(member);
    }
    this.checkTemplates(this.definition.outputs, 'outputs');
    this.checkSchema(this.definition.input, 'input');
    this.issues.push(...awaitingSizeIssues(this.flows.flatMap((flow) => flow.members)));
    this.issues.push(...agentIssues(this.definition, this.flows.flatMap((flow) => flow.members)));
    (this.definition.agents ?? []).forEach((agent, i) => {
      this.checkTemplates(agent.instructions, `agents[${i}].instructions`);
      this.checkTemplates(agent.model.base_url, `agents[${i}].model.base_url`);
      this.checkTemplates(agent.model.name, `agents[${i}].model.name`);
      this.checkSchema(agent.output_schema, `agents[${i}].output_schema`);
    });
    this.issues.push(...triggerIssues(this.definition));
    return this.issues;
  }

  private report(path: string, message: string): void {
    this.issues.push({ path, message });
  }

  private collectFlow(tasks: readonly Task[], path: string, description: string): void {
    const flow: Flow = { description, members: [] };
    this.flows.push(flow);
    tasks.forEach((task, i) => {
      const member: FlowMember = { task, path: appendPath(path, i), flow };
      flow.members.push(member);
      const first = this.tasksById.get(task.id);
      if (first) this.report(`${member.path}.id`, `duplicate task id "${task.id}" (already used at ${first.path})`);
      else this.tasksById.set(task.id, member);
    });
    // Branches after the flow's own tasks, so ids in the outer flow count as "first".
    for (const member of flow.members) {
      if (member.task.type !== 'parallel') continue;
      const parallel = member.task;
      const branchIds = new Set<string>();
      parallel.branches.forEach((branch, j) => {
        const branchPath = `${member.path}.branches[${j}]`;
        if (branchIds.has(branch.id)) this.report(`${branchPath}.id`, `duplicate branch id "${branch.id}" in parallel "${parallel.id}"`);
        branchIds.add(branch.id);
        this.collectFlow(branch.tasks, `${branchPath}.tasks`, `branch "${branch.id}" of parallel "${parallel.id}"`);
      });
    }
  }

  /** Transitions, reachability and cycles of one flow. */
  private checkFlow(flow: Flow): void {
    const successors = new Map<string, string[]>();
    for (const member of flow.members) {
      const next: string[] = [];
      for (const transition of this.transitionsOf(member)) {
        if (this.isValidTarget(transition, flow)) next.push(transition.target);
      }
      // With duplicate ids, the first task of that id carries the edges.
      if (!successors.has(member.task.id)) successors.set(member.task.id, next);
    }
    this.checkReachability(flow, successors);
    this.checkCycles(flow, successors);
  }

  private transitionsOf({ task, path }: FlowMember): Transition[] {
    const transitions: Transition[] = [];
    if (task.type === 'router') {
      if (task.final) this.report(`${path}.final`, 'a router cannot be final: it always continues to a route');
      if (task.on_success?.next !== undefined) {
        this.report(`${path}.on_success.next`, 'a router continues through routes and default, not on_success.next');
      }
      for (const [key, target] of Object.entries(task.routes)) {
        transitions.push({ path: appendPath(`${path}.routes`, key), target });
      }
      if (task.default !== undefined) transitions.push({ path: `${path}.default`, target: task.default });
    } else if (task.type === 'approval') {
      if (task.on_success?.next !== undefined) {
        this.report(`${path}.on_success.next`, 'an approval continues through on_approve and on_reject, not on_success.next');
      }
      for (const key of ['on_approve', 'on_reject'] as const) {
        const target = task[key]?.next;
        if (target === undefined) continue;
        if (task.final) this.report(`${path}.${key}.next`, `a final task cannot have ${key}.next`);
        transitions.push({ path: `${path}.${key}.next`, target });
      }
    } else if (task.on_success?.next !== undefined) {
      if (task.final) this.report(`${path}.on_success.next`, 'a final task cannot have on_success.next');
      transitions.push({ path: `${path}.on_success.next`, target: task.on_success.next });
    }
    if (task.type === 'wait' && task.on_timeout?.next !== undefined) {
      if (task.timeout === undefined) this.report(`${path}.on_timeout`, 'on_timeout needs a timeout');
      transitions.push({ path: `${path}.on_timeout.next`, target: task.on_timeout.next });
    }
    if (task.type === 'approval' && task.on_timeout !== undefined && task.timeout === undefined) {
      this.report(`${path}.on_timeout`, 'on_timeout needs a timeout');
    }
    if (task.on_error?.next !== undefined) transitions.push({ path: `${path}.on_error.next`, target: task.on_error.next });
    return transitions;
  }

  private isValidTarget({ path, target }: Transition, flow: Flow): boolean {
    const found = this.tasksById.get(target);
    if (!found) {
      this.report(path, `unknown task "${target}"${this.didYouMean(target)}`);
      return false;
    }
    if (found.flow !== flow) {
      this.report(path, `cannot jump to "${target}" in ${found.flow.description}: transitions stay within ${flow.description}`);
      return false;
    }
    return true;
  }

  private checkReachability(flow: Flow, successors: ReadonlyMap<string, readonly string[]>): void {
    const [entry] = flow.members;
    if (!entry) return;
    const reached = new Set([entry.task.id]);
    const queue = [entry.task.id];
    for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
      for (const next of successors.get(id) ?? []) {
        if (!reached.has(next)) {
          reached.add(next);
          queue.push(next);
        }
      }
    }
    for (const member of flow.members) {
      if (!reached.has(member.task.id)) {
        this.report(member.path, `task "${member.task.id}" is unreachable: nothing in ${flow.description} leads to it from "${entry.task.id}"`);
      }
    }
  }

  /** Reports one cycle per strongly connected component (Tarjan), naming the tasks on it. */
  private checkCycles(flow: Flow, successors: ReadonlyMap<string, readonly string[]>): void {
    const order = flow.members.map((m) => m.task.id);
    for (const component of stronglyConnectedComponents(order, successors)) {
      const [only] = component;
      const isLoop = component.length > 1 || (only !== undefined && (successors.get(only) ?? []).includes(only));
      if (!isLoop) continue;
      const start = order.find((id) => component.includes(id));
      if (start === undefined) continue;
      const cycle = shortestCycle(start, new Set(component), successors);
      const member = flow.members.find((m) => m.task.id === start);
      if (member) this.report(member.path, `cycle: ${cycle.map((id) => `"${id}"`).join(' -> ')} (loops are not supported)`);
    }
  }

  private checkExpressions(member: FlowMember): void {
    const { task, path } = member;
    if (task.type === 'router') this.checkExpression(task.condition, `${path}.condition`);
    if (task.type === 'basic') this.checkTemplates(task.with, `${path}.with`);
    if (task.type === 'basic') this.checkTemplates(task.prompt, `${path}.prompt`);
    if (task.type === 'basic' && task.output_schema) this.checkSchema(task.output_schema, `${path}.output_schema`);
    if (task.type === 'set') this.checkTemplates(task.values, `${path}.values`);
    this.issues.push(...shortTaskIssues(task, path));
    if (task.type === 'wait') {
      if (task.condition !== undefined) this.checkExpression(task.condition, `${path}.condition`);
      this.checkSchema(task.resume_schema, `${path}.resume_schema`);
      this.checkTemplates(task.correlate, `${path}.correlate`);
    }
    if (task.type === 'approval') {
      this.checkTemplates(task.message, `${path}.message`);
      this.checkSchema(task.decision_schema, `${path}.decision_schema`);
    }
  }

  private checkTemplates(value: unknown, path: string): void {
    try {
      for (const found of findTemplateExpressions(value, path)) this.checkExpression(found.expression, found.path);
    } catch (error) {
      if (!(error instanceof TemplateError)) throw error;
      this.report(error.path, error.reason);
    }
  }

  private checkExpression(source: string, path: string): void {
    let compiled: CompiledExpression;
    try {
      compiled = compileExpression(source);
    } catch (error) {
      if (!(error instanceof ExpressionError)) throw error;
      this.report(path, error.message);
      return;
    }
    const roots: readonly string[] = EXPRESSION_ROOTS;
    for (const reference of compiled.references) {
      if (!roots.includes(reference.root)) {
        this.report(path, `unknown variable "${reference.root}" in "${source}"${this.suggest(reference.root, roots)} (expressions can read ${roots.join(', ')})`);
      } else if (reference.taskId !== undefined && !this.tasksById.has(reference.taskId)) {
        this.report(path, `unknown task "${reference.taskId}" in "${source}"${this.didYouMean(reference.taskId)}`);
      }
    }
  }

  private checkSchema(schema: Record<string, unknown> | undefined, path: string): void {
    if (schema === undefined) return;
    try {
      compileJsonSchema(schema);
    } catch (error) {
      if (!(error instanceof JsonSchemaError)) throw error;
      this.report(path, `invalid JSON Schema: ${error.message}`);
    }
  }

  private didYouMean(taskId: string): string {
    return this.suggest(taskId, this.tasksById.keys());
  }

  private suggest(word: string, candidates: Iterable<string>): string {
    const match = closestMatch(word, candidates);
    return match === undefined ? '' : ` (did you mean "${match}"?)`;
  }
}

/** Tarjan's algorithm, iterating nodes in `order`. */
function stronglyConnectedComponents(order: readonly string[], successors: ReadonlyMap<string, readonly string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const lowLink = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];

  const connect = (node: string): void => {
    index.set(node, counter);
    lowLink.set(node, counter);
    counter++;
    stack.push(node);
    onStack.add(node);
    for (const next of successors.get(node) ?? []) {
      if (!index.has(next)) {
        connect(next);
        lowLink.set(node, Math.min(lowLink.get(node) ?? 0, lowLink.get(next) ?? 0));
      } else if (onStack.has(next)) {
        lowLink.set(node, Math.min(lowLink.get(node) ?? 0, index.get(next) ?? 0));
      }
    }
    if (lowLink.get(node) === index.get(node)) {
      const component: string[] = [];
      for (let member = stack.pop(); member !== undefined; member = stack.pop()) {
        onStack.delete(member);
        component.push(member);
        if (member === node) break;
      }
      components.push(component);
    }
  };

  for (const node of order) if (!index.has(node)) connect(node);
  return components;
}

/** The shortest path from `start` back to itself inside a component, as ids (first and last are `start`). */
function shortestCycle(start: string, component: ReadonlySet<string>, successors: ReadonlyMap<string, readonly string[]>): string[] {
  const parent = new Map<string, string>();
  const queue = [start];
  for (let node = queue.shift(); node !== undefined; node = queue.shift()) {
    for (const next of successors.get(node) ?? []) {
      if (!component.has(next)) continue;
      if (next === start) {
        const between: string[] = [];
        for (let at: string | undefined = node; at !== undefined && at !== start; at = parent.get(at)) between.unshift(at);
        return [start, ...between, start];
      }
      if (!parent.has(next)) {
        parent.set(next, node);
        queue.push(next);
      }
    }
  }
  return [start, start];
}
