/**
 * Which variables a parsed CEL expression reads, for static validation: the roots it starts from
 * (`input`, `tasks`, ...) and the task ids it names through `tasks.<id>` or `tasks["<id>"]`.
 *
 * Imported by workflow code (through expressions): no Node built-ins here.
 */
import type { ASTNode } from '@marcbachmann/cel-js';

/** One read of a free variable. */
export interface ExpressionReference {
  /** The variable the expression starts from, e.g. `input`. */
  root: string;
  /** For `tasks.<id>` and `tasks["<id>"]` (a literal key): the task id. */
  taskId?: string;
  /** Offset of the variable in the expression source. */
  position: number;
}

/** Comprehension macros whose first argument binds a variable for the arguments after it. */
// eslint-disable-next-line no-restricted-syntax -- a constant: read, never written.
const COMPREHENSIONS: ReadonlySet<string> = new Set(['all', 'exists', 'exists_one', 'map', 'filter']);

/** Lists the free variables of an expression, in source order. */
export function findReferences(ast: ASTNode): ExpressionReference[] {
  const found: ExpressionReference[] = [];
  visit(ast, new Set(), found);
  return found.sort((a, b) => a.position - b.position);
}

function visit(node: ASTNode, bound: ReadonlySet<string>, found: ExpressionReference[]): void {
  switch (node.op) {
    case 'value':
      return;
    case 'id':
      if (!bound.has(node.args)) found.push({ root: node.args, position: node.start });
      return;
    case '.':
    case '.?': {
      const [target, field] = node.args;
      if (isTasksRoot(target, bound)) found.push({ root: 'tasks', taskId: field, position: target.start });
      else visit(target, bound, found);
      return;
    }
    case '[]':
    case '[?]': {
      const [target, index] = node.args;
      if (isTasksRoot(target, bound) && index.op === 'value' && typeof index.args === 'string') {
        found.push({ root: 'tasks', taskId: index.args, position: target.start });
      } else {
        visit(target, bound, found);
        visit(index, bound, found);
      }
      return;
    }
    case 'call':
      for (const arg of node.args[1]) visit(arg, bound, found);
      return;
    case 'rcall':
      visitMethodCall(node.args, bound, found);
      return;
    case 'list':
      for (const item of node.args) visit(item, bound, found);
      return;
    case 'map':
      for (const [key, value] of node.args) {
        visit(key, bound, found);
        visit(value, bound, found);
      }
      return;
    case '!_':
    case '-_':
      visit(node.args, bound, found);
      return;
    default:
      // Binary operators, logical operators and the ternary: all operands are plain sub-expressions.
      for (const operand of node.args) visit(operand, bound, found);
  }
}

function visitMethodCall(
  [name, receiver, args]: [string, ASTNode, ASTNode[]],
  bound: ReadonlySet<string>,
  found: ExpressionReference[],
): void {
  const [first, ...rest] = args;
  // cel.bind(name, init, body): `name` is visible in `body` only.
  if (name === 'bind' && receiver.op === 'id' && receiver.args === 'cel' && !bound.has('cel') && first?.op === 'id') {
    const [init, body] = rest;
    if (init) visit(init, bound, found);
    if (body) visit(body, new Set([...bound, first.args]), found);
    return;
  }
  visit(receiver, bound, found);
  if (COMPREHENSIONS.has(name) && first?.op === 'id' && rest.length > 0) {
    const inner = new Set([...bound, first.args]);
    for (const arg of rest) visit(arg, inner, found);
    return;
  }
  for (const arg of args) visit(arg, bound, found);
}

function isTasksRoot(node: ASTNode, bound: ReadonlySet<string>): boolean {
  return node.op === 'id' && node.args === 'tasks' && !bound.has('tasks');
}
