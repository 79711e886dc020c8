/**
 * CEL expressions (router conditions, wait conditions, `{{ }}` templates) over the execution scope
 * `{input, tasks, execution, signal, resume, env}`.
 *
 * Imported by workflow code, which runs in Temporal's deterministic sandbox: no Node built-ins, no
 * clocks, no randomness here or in anything this file imports. Errors are plain `ExpressionError`s;
 * workflow callers turn them into `ApplicationFailure`s.
 */
import { Environment, type ParseResult } from '@marcbachmann/cel-js';
import { LRUCache } from 'lru-cache';
import { fromCelValue, toCelValue, type JsonValue } from './cel-values';
import { findReferences, type ExpressionReference } from './expression-references';

/** The variables an expression may read. */
export const EXPRESSION_ROOTS = ['input', 'tasks', 'execution', 'signal', 'resume', 'env'] as const;

/** Variables of a definition's `triggers` (filter and input mapping, docs/design.md §9): the event's payload and the event. */
export const TRIGGER_ROOTS = ['payload', 'event'] as const;

export type ExpressionRoot = (typeof EXPRESSION_ROOTS)[number] | (typeof TRIGGER_ROOTS)[number];

const ALL_ROOTS: readonly ExpressionRoot[] = [...EXPRESSION_ROOTS, ...TRIGGER_ROOTS];

/** Values of the expression variables, as plain JSON. A root that is absent reads as `null`. */
export type ExpressionScope = { readonly [K in ExpressionRoot]?: unknown };

/**
 * CEL forms of the scope values converted so far, by identity. Scope values are never mutated once
 * evaluated against (the workflow replaces a task's entry, it never changes one), so an output read
 * by every later task of a chain is converted once, not once per task (bench/README.md: the
 * conversion was the largest cost of a long chain). Weak: it holds nothing alive. Shared by the
 * workflows of a worker (preloaded): keyed by identity, each workflow finds only its own objects.
 */
// eslint-disable-next-line no-restricted-syntax -- a pure cache (see above), not workflow state.
const celForms = new WeakMap<object, unknown>();

/** A scope already converted to CEL values, to evaluate many expressions against one scope cheaply. */
export class PreparedScope {
  /** @internal */
  readonly context: Readonly<Record<ExpressionRoot, unknown>>;

  /** `scope`'s values must not be mutated afterwards (their CEL forms are kept, see `celForms`). */
  constructor(scope: ExpressionScope) {
    const context = {} as Record<ExpressionRoot, unknown>;
    for (const root of ALL_ROOTS) context[root] = toCelValue(scope[root], celForms);
    this.context = context;
  }
}

/** An expression that does not parse, does not type-check, or fails when evaluated. */
export class ExpressionError extends Error {
  override readonly name = 'ExpressionError';

  constructor(
    /** The expression's source text. */
    readonly expression: string,
    /** What went wrong, without the expression or position (e.g. `No such key: orderId`). */
    readonly reason: string,
    /** `compile`: the expression is invalid; `evaluate`: it is valid but failed on this scope. */
    readonly phase: 'compile' | 'evaluate',
    /** 1-based line and column of the failing part, when known. */
    readonly location?: { line: number; column: number },
  ) {
    const verb = phase === 'compile' ? 'invalid expression' : 'cannot evaluate';
    super(`${verb} ${quoteSource(expression)}: ${reason}${describeLocation(expression, location)}`);
  }
}

/** A parsed and type-checked expression. */
export interface CompiledExpression {
  readonly source: string;
  /** Free variables the expression reads (for static checks of roots and task ids). */
  readonly references: readonly ExpressionReference[];
  /** Evaluates against a scope; the result is plain JSON. Throws `ExpressionError`. */
  evaluate(scope: ExpressionScope | PreparedScope): JsonValue;
}

const environment = createEnvironment();

/**
 * Compiled expressions by source, the 1000 most recently used. In workflow code the workflows of a
 * worker share it (the module is preloaded): a compiled expression is a pure function of its source,
 * so which workflow compiled it first changes nothing (the bundler resolves lru-cache's browser
 * build: no timers, clocks or Node modules).
 */
// eslint-disable-next-line no-restricted-syntax -- a pure cache (see above), not workflow state.
const cache = new LRUCache<string, CompiledExpression>({ max: 1000 });

/** Parses and type-checks an expression (cached). Throws `ExpressionError` with a one-line message. */
export function compileExpression(source: string): CompiledExpression {
  const hit = cache.get(source);
  if (hit) return hit;
  const compiled = compileUncached(source);
  cache.set(source, compiled);
  return compiled;
}

/** Compiles (cached) and evaluates an expression; the result is plain JSON. Throws `ExpressionError`. */
export function evaluateExpression(source: string, scope: ExpressionScope | PreparedScope): JsonValue {
  return compileExpression(source).evaluate(scope);
}

function compileUncached(source: string): CompiledExpression {
  if (source.trim() === '') throw new ExpressionError(source, 'expression is empty', 'compile');
  let parsed: ParseResult;
  try {
    parsed = environment.parse(source);
  } catch (error) {
    throw toExpressionError(source, error, 'compile');
  }
  // The checker knows the built-in functions and their arity: `size(1, 2)` or `foo(x)` fail here, not at run time.
  const check = parsed.check();
  if (!check.valid) throw toExpressionError(source, check.error, 'compile');
  const references = findReferences(parsed.ast);

  return {
    source,
    references,
    evaluate(scope) {
      const prepared = scope instanceof PreparedScope ? scope : new PreparedScope(scope);
      let result: unknown;
      try {
        result = parsed(prepared.context);
      } catch (error) {
        throw toExpressionError(source, error, 'evaluate');
      }
      try {
        return fromCelValue(result);
      } catch (error) {
        throw toExpressionError(source, error, 'evaluate');
      }
    },
  };
}

/**
 * JSON does not tell `2` from `2.0`, so the same field may arrive as an int or a double. Mixed
 * int/double arithmetic is therefore allowed (computed as double), unlike in strict CEL.
 */
function createEnvironment(): Environment {
  const env = new Environment({ unlistedVariablesAreDyn: true, homogeneousAggregateLiterals: false });
  const arithmetic: Record<string, (a: number, b: number) => number> = {
    '+': (a, b) => a + b,
    '-': (a, b) => a - b,
    '*': (a, b) => a * b,
    '/': (a, b) => a / b,
  };
  for (const [op, apply] of Object.entries(arithmetic)) {
    env.registerOperator(`int ${op} double`, (a: bigint, b: number) => apply(Number(a), b));
    env.registerOperator(`double ${op} int`, (a: number, b: bigint) => apply(a, Number(b)));
  }
  return env;
}

function toExpressionError(source: string, error: unknown, phase: 'compile' | 'evaluate'): ExpressionError {
  if (error instanceof ExpressionError) return error;
  if (!(error instanceof Error)) return new ExpressionError(source, String(error), phase);
  // cel-js errors carry a one-line `summary` and a `range`; their `message` adds a multi-line source excerpt.
  const celError = error as Error & { summary?: unknown; range?: { start: number } };
  const reason = typeof celError.summary === 'string' ? celError.summary : (error.message.split('\n')[0] ?? '');
  const offset = celError.range?.start;
  return new ExpressionError(source, reason, phase, typeof offset === 'number' ? locate(source, offset) : undefined);
}

function locate(source: string, offset: number): { line: number; column: number } {
  const before = source.slice(0, offset).split('\n');
  return { line: before.length, column: (before[before.length - 1]?.length ?? 0) + 1 };
}

function describeLocation(source: string, location?: { line: number; column: number }): string {
  if (!location) return '';
  return source.includes('\n') ? ` (line ${location.line}, column ${location.column})` : ` (column ${location.column})`;
}

/** The source on one line, shortened: error messages stay one line. */
function quoteSource(source: string): string {
  const flat = source.replace(/\s+/g, ' ').trim();
  return JSON.stringify(flat.length > 120 ? `${flat.slice(0, 117)}...` : flat);
}
