/**
 * Generators of the command fuzz (command-fuzz.test.ts): signals, updates and queries of every message
 * name of the interpreter and of a definition entity (the registry target), with payloads that are arbitrary JSON, wrong-typed versions
 * of the real commands, hostile strings and keys, nesting far beyond the workflow's bound, and now and
 * then a valid command, so the executions also move while they are bombarded.
 */
import { randomUUID } from 'node:crypto';
import { RawValue } from '@temporalio/common';
import fc from 'fast-check';

export type Via = 'signal' | 'update' | 'query';

/** The definition id of the fuzz's definition entity (the `registry` target). */
export const FUZZ_DEFINITION_ID = 'fz-1';
export type TargetKind = 'repair' | 'approval' | 'wait' | 'breakpoint' | 'parallel' | 'registry';
export const executionKinds = ['repair', 'approval', 'wait', 'breakpoint', 'parallel'] as const satisfies readonly TargetKind[];
export type ExecutionKind = (typeof executionKinds)[number];

/** One argument: a JSON value, or JSON text nested too deep for `JSON.stringify` (sent as a raw payload). */
export type Arg = { value: unknown } | { json: string; depth: number };

export interface FuzzCommand {
  target: TargetKind;
  via: Via;
  name: string;
  args: Arg[];
  /** Made by the valid-command generator (it may still be refused: the state may not fit it). */
  valid: boolean;
}

/** The argument as the client sends it. */
export function wire(arg: Arg): unknown {
  if ('value' in arg) return arg.value;
  const utf8 = (s: string) => new TextEncoder().encode(s);
  return RawValue.fromPayload({ metadata: { encoding: utf8('json/plain') }, data: utf8(arg.json) });
}

/** A short description for reports; the seed and index reproduce the command itself. */
export function describeArgs(args: Arg[]): string {
  return args
    .map((a) => ('value' in a ? (a.value === undefined ? 'undefined' : JSON.stringify(a.value).slice(0, 160)) : `<raw JSON nested ${a.depth} levels, ${a.json.length} chars>`))
    .join(', ');
}

// ---- values ----------------------------------------------------------------------------------

/** Marks a member left out of a shaped command. */
const ABSENT = Symbol('absent');

/** An object with exactly these own members, `__proto__` included as plain data (as JSON.parse makes it). */
function objectOf(entries: Array<[string, unknown]>): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const [key, value] of entries) if (value !== ABSENT) Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
  return o;
}

const trickyKeys = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', ''];

const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 24 }),
  fc.constantFrom('', ' ', '\u0000', '\ud800', 'a\udfffb', '👩‍👩‍👧‍👦', '\u202eevil', 'Ω≈ç√∫', '{{ input }}', '${x}', '"\\\n', ...trickyKeys),
  // The 4,096-character bound of free text, on both sides of it, and far beyond.
  fc.tuple(fc.constantFrom(4096, 4097, 100_000), fc.constantFrom('x', 'é', '🙂')).map(([n, c]) => c.repeat(Math.ceil(n / c.length)).slice(0, n)),
);

const hostileNumber = fc.oneof(fc.integer(), fc.double(), fc.constantFrom(0, -0, -1, 1.5, Number.MAX_SAFE_INTEGER, 2 ** 53, 1e308, Number.NaN, Infinity));

/** Any JSON value, sometimes with tricky keys. */
const json: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: fc.jsonValue({ maxDepth: 4 }), weight: 4 },
  { arbitrary: fc.tuple(fc.constantFrom(...trickyKeys), fc.jsonValue({ maxDepth: 2 })).map(([k, v]) => objectOf([[k, v]])), weight: 1 },
  { arbitrary: hostileString, weight: 1 },
);

/** What a member of the wrong type looks like. */
const wrong: fc.Arbitrary<unknown> = fc.oneof(fc.constantFrom(null, true, 0, 1, [], {}, [1], { action: 'x' }, 'retry'), hostileNumber, json);

/** Left out, right, wrong-typed or hostile. */
function member<T>(right: fc.Arbitrary<T>): fc.Arbitrary<unknown> {
  return fc.oneof({ arbitrary: fc.constant(ABSENT), weight: 3 }, { arbitrary: right, weight: 4 }, { arbitrary: wrong, weight: 2 }, { arbitrary: hostileString, weight: 1 });
}

function shaped(model: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<unknown> {
  const keys = Object.keys(model);
  const extra = fc.option(fc.tuple(fc.constantFrom(...trickyKeys), json), { freq: 5 });
  return fc.tuple(fc.tuple(...keys.map((k) => member(model[k]!))), extra).map(([values, more]) =>
    objectOf([...keys.map((k, i): [string, unknown] => [k, values[i]]), ...(more ? [more] : [])]),
  );
}

/** Task ids of the fuzzed definitions, plus unknown ones. Never `hold`: that gate keeps each execution open. */
export const taskIds = ['prepare', 'charge', 'receipt', 'approve-1', 'approve-2', 'approve-3', 'wait-1', 'wait-2', 'wait-3', 'step-2', 'step-3', 'step-4', 'fan', 'sign-off', 'broken', 'free', 'join'];
const taskId = fc.oneof({ arbitrary: fc.constantFrom(...taskIds), weight: 3 }, { arbitrary: hostileString, weight: 1 });
const text = fc.oneof(fc.string({ maxLength: 12 }), hostileString);

const taskSpec = fc.oneof(shaped({ action: fc.constantFrom('retry', 'skip'), input: json, output: json }), wrong);
const resumeModel = {
  mode: fc.constantFrom('continue', 'retry', 'skip'),
  tasks: fc.dictionary(taskId, taskSpec, { maxKeys: 3 }),
  context: fc.dictionary(fc.oneof(fc.constantFrom('input', 'tasks', ...trickyKeys), fc.string()), json, { maxKeys: 3 }),
  reason: text,
  actor: text,
};

/** Shaped (wrong-typed) payloads per message name. */
const models: Record<string, Record<string, fc.Arbitrary<unknown>>> = {
  pause: { reason: text, mode: fc.constantFrom('graceful', 'immediate'), actor: text },
  resume: resumeModel,
  resumePlan: resumeModel,
  taskResume: { task_exec_id: text, task_id: taskId, resume_data: json, actor: text },
  decide: {
    task_id: taskId,
    task_exec_id: text,
    decision: fc.constantFrom('approve', 'reject'),
    comment: text,
    data: json,
    actor: fc.constantFrom('carol', 'alice', 'mallory'),
    roles: fc.array(fc.constantFrom('finance', 'sales', ''), { maxLength: 2 }),
  },
  commandRejected: { command: text, type: text, message: text, payload: json, actor: text },
  events: { after: hostileNumber, limit: hostileNumber },
  putDefinition: {
    definition: shaped({
      id: fc.constantFrom('fz-1', 'fz-2', 'fz-3'),
      version: fc.oneof(fc.integer({ min: 1, max: 4 }), fc.constantFrom(Number.MAX_SAFE_INTEGER, 2 ** 53, 1e308)),
      name: text,
      tasks: fc.constantFrom([{ id: 'a', type: 'basic', tool: 'echo' }], [1], ['x', null]),
    }),
  },
};

/** `table[key]` for own members only (message names such as `constructor` come from the fuzz). */
const own = <T>(table: Record<string, T>, key: string): T | undefined => (Object.hasOwn(table, key) ? table[key] : undefined);

/** Where a deep value goes in a command (a path of member names), per message name. */
const deepPlaces: Record<string, string[][]> = {
  pause: [[], ['reason']],
  resume: [[], ['context'], ['tasks'], ['tasks', 'charge', 'input'], ['tasks', 'broken', 'output']],
  resumePlan: [[], ['context'], ['tasks', 'charge', 'output']],
  taskResume: [[], ['resume_data']],
  decide: [[], ['data'], ['roles']],
  commandRejected: [[], ['payload'], ['message']],
  putDefinition: [[], ['definition'], ['definition', 'tasks'], ['definition', 'name']],
};

/** JSON text nested `depth` levels deep, built without recursion. */
function nested(depth: number, shape: 'array' | 'object' | 'mixed' | 'proto'): string {
  const open: string[] = [];
  const close: string[] = [];
  for (let i = 0; i < depth; i++) {
    const array = shape === 'array' || (shape === 'mixed' && i % 2 === 0);
    open.push(array ? '[' : shape === 'proto' ? '{"__proto__":' : '{"a":');
    close.push(array ? ']' : '}');
  }
  return `${open.join('')}1${close.reverse().join('')}`;
}

const HOLE = '\u0000hole\u0000';

/** A command of `name` with a deep value at one of its places (depth 64 is the largest accepted). */
function deepArg(name: string): fc.Arbitrary<Arg> {
  const places = own(deepPlaces, name) ?? [[]];
  const depth = fc.oneof(fc.constantFrom(63, 64, 65, 100, 4000, 5000), fc.integer({ min: 66, max: 5000 }));
  return fc.tuple(fc.constantFrom(...places), depth, fc.constantFrom<'array' | 'object' | 'mixed' | 'proto'>('array', 'object', 'mixed', 'proto')).map(([path, d, shape]) => {
    let template: unknown = HOLE;
    for (const key of [...path].reverse()) template = objectOf([[key, template]]);
    if (name === 'putDefinition' && path[0] === 'definition' && path.length > 1) {
      // The entity's own id, so the deep body reaches its digest and its store.
      template = { definition: { id: FUZZ_DEFINITION_ID, tasks: [{ id: 'a', type: 'basic', tool: 'echo' }], ...(template as { definition: object }).definition } };
    }
    return { json: JSON.stringify(template).replace(JSON.stringify(HOLE), nested(d, shape)), depth: d };
  });
}

const topLevel: fc.Arbitrary<unknown> = fc.oneof(fc.constantFrom(null, undefined, true, [], {}), hostileNumber, hostileString, fc.array(json, { maxLength: 4 }));

/** A payload for a command of `name`: mostly shaped like it, else anything at all. */
function payloadFor(name: string): fc.Arbitrary<Arg> {
  const model = own(models, name);
  const value = (arb: fc.Arbitrary<unknown>) => arb.map((v): Arg => ({ value: v }));
  return fc.oneof(
    { arbitrary: value(model ? shaped(model) : name === 'taskContext' ? taskId : json), weight: model ? 6 : name === 'taskContext' ? 4 : 1 },
    { arbitrary: value(fc.jsonValue()), weight: 2 },
    { arbitrary: value(topLevel), weight: 2 },
    { arbitrary: deepArg(name), weight: 1 },
  );
}

// ---- names -----------------------------------------------------------------------------------

/** Names no handler of that kind has: the SDK's reserved ones, look-alikes, and random text. */
const strangeName = fc.oneof(
  fc.constantFrom('__temporal_', '__temporal_x', '__temporal_workflow_metadata', '__stack_trace', '__enhanced_stack_trace', 'Pause', 'resume ', 'shipped', 'fuzz', ...trickyKeys.filter((k) => k !== '')),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 20 }),
  fc.constantFrom('', 'n'.repeat(257), 'n'.repeat(10_000)),
);

const interpreterSignals = ['pause', 'resume', 'taskResume', 'decide', 'commandRejected'];
const interpreterUpdates = ['pause', 'resume', 'taskResume', 'decide'];
const interpreterQueries = ['status', 'execution', 'taskContext', 'events', 'resumePlan'];

function named(via: Via, names: fc.Arbitrary<string>): fc.Arbitrary<Omit<FuzzCommand, 'target'>> {
  return names.chain((name) => fc.tuple(payloadFor(name), fc.constantFrom(0, 1, 1, 1, 1, 2)).map(([arg, n]) => ({ via, name, args: n === 0 ? [] : n === 1 ? [arg] : [arg, arg], valid: false })));
}

// ---- valid commands ----------------------------------------------------------------------------

const v = (via: Via, name: string, ...values: unknown[]) => ({ via, name, args: values.map((value) => ({ value })), valid: true });
const via = fc.constantFrom<Via>('signal', 'update');
const pauseValid = fc.tuple(via, fc.constantFrom('graceful', 'immediate')).map(([x, mode]) => v(x, 'pause', { mode, reason: 'fuzz', actor: 'fuzzer' }));
const continueValid = via.map((x) => v(x, 'resume', { mode: 'continue', reason: 'fuzz' }));

/** Valid commands for each kind of target (they move it, or would in another state). */
const validCommands: Record<TargetKind, fc.Arbitrary<Omit<FuzzCommand, 'target'>>> = {
  repair: fc.oneof(
    via.map((x) => v(x, 'resume', { mode: 'retry', tasks: { charge: { input: { ok: false, value: 'again' } } } })),
    fc.constant(v('query', 'resumePlan', { mode: 'skip', tasks: { charge: { output: { value: 'by hand' } } } })),
    pauseValid,
    continueValid,
  ),
  approval: fc.oneof(
    fc.tuple(via, fc.constantFrom('approve-1', 'approve-2', 'approve-3'), fc.constantFrom('approve', 'reject')).map(([x, task_id, decision]) =>
      v(x, 'decide', { task_id, decision, actor: 'carol', data: { note: 'ok' }, comment: 'fuzz' }),
    ),
    pauseValid,
    continueValid,
  ),
  wait: fc.oneof(
    fc.constant(v('signal', 'shipped', { carrier: 'ups' })),
    fc.constantFrom('wait-1', 'wait-2', 'wait-3').map((task_id) => v('update', 'taskResume', { task_id, resume_data: { carrier: 'dhl' }, actor: 'fuzzer' })),
    pauseValid,
  ),
  breakpoint: fc.oneof(continueValid, pauseValid, fc.constant(v('query', 'resumePlan', {}))),
  parallel: fc.oneof(
    via.map((x) => v(x, 'decide', { task_id: 'sign-off', decision: 'approve', actor: 'anyone' })),
    via.map((x) => v(x, 'resume', { tasks: { broken: { action: 'retry', input: { ok: false } } } })),
    pauseValid,
    continueValid,
  ),
  // The registry target is the definition entity of `FUZZ_DEFINITION_ID`: its valid puts carry that id.
  registry: fc.oneof(
    fc.tuple(fc.constantFrom('one', 'two', 'three'), fc.option(fc.integer({ min: 1, max: 40 }), { nil: undefined })).map(([name, version]) =>
      v('update', 'putDefinition', { definition: { id: FUZZ_DEFINITION_ID, name, ...(version !== undefined && { version }), tasks: [{ id: 'a', type: 'basic', tool: 'echo' }] } }),
    ),
    fc.integer({ min: 1, max: 40 }).map((version) => v('query', 'getDefinition', version)),
    fc.constant(v('query', 'getDefinition')),
    fc.constant(v('query', 'describeDefinition')),
    fc.constant(v('query', 'entityStats')),
  ),
};

// ---- commands ----------------------------------------------------------------------------------

const interpreterCommand = (kind: TargetKind) =>
  fc.oneof(
    { arbitrary: named('signal', fc.constantFrom(...interpreterSignals)), weight: 6 },
    { arbitrary: named('signal', fc.oneof(fc.constant('shipped'), strangeName)), weight: 2 },
    { arbitrary: named('update', fc.constantFrom(...interpreterUpdates)), weight: 5 },
    { arbitrary: named('update', fc.oneof(fc.constantFrom('commandRejected', 'status', 'putDefinition'), strangeName)), weight: 1 },
    { arbitrary: named('query', fc.constantFrom(...interpreterQueries)), weight: 4 },
    { arbitrary: named('query', fc.oneof(fc.constantFrom('getDefinition', 'pause'), strangeName)), weight: 1 },
    { arbitrary: validCommands[kind], weight: 2 },
  );

const registryCommand = fc.oneof(
  { arbitrary: named('update', fc.constant('putDefinition')), weight: 5 },
  { arbitrary: named('update', fc.oneof(fc.constantFrom('pause', 'resume'), strangeName)), weight: 1 },
  {
    arbitrary: fc
      .oneof(fc.constant(undefined), fc.integer({ min: 1, max: 3 }), hostileNumber, json, wrong)
      .map((version) => ({ via: 'query' as const, name: 'getDefinition', args: [{ value: version }], valid: false })),
    weight: 2,
  },
  { arbitrary: named('query', fc.oneof(fc.constantFrom('describeDefinition', 'entityStats', 'listDefinitions', 'status'), strangeName)), weight: 2 },
  { arbitrary: named('signal', fc.oneof(fc.constant('putDefinition'), strangeName)), weight: 1 },
  { arbitrary: validCommands.registry, weight: 2 },
);

/** A command for one of the targets; the registry gets about a sixth of them. */
export const fuzzCommand: fc.Arbitrary<FuzzCommand> = fc
  .constantFrom<TargetKind>(...executionKinds, 'registry')
  .chain((target) => (target === 'registry' ? registryCommand : interpreterCommand(target)).map((c) => ({ ...c, target })));

/** A fresh registry id for the fuzz's own definition entity (never the namespace's real registry). */
export const fuzzRegistryId = (): string => `fuzz-registry-${randomUUID()}`;
