/**
 * fast-check arbitraries of REST requests for the fuzz test. Each request takes one route and, most
 * of the time, breaks one thing only (a path parameter, the query, a header, the content type, a body
 * value, the body's shape), so that it gets past every other check and reaches the layer it targets;
 * the rest break everything at once. Hostile values come from test/integration/fuzz/hostile-json.ts.
 */
import fc from 'fast-check';
import type { InjectOptions } from 'fastify';
import { hostileBodyArb, hostileValueArb, invalidUtf8Arb, nearValidBodyArb, nestedText } from '../fuzz/hostile-json';
import { route, type RouteSpec } from './fuzz-routes';

/** An open execution and the task ids and task_exec_ids it has. */
export interface LiveTarget {
  id: string;
  tasks: string[];
}

/** What the requests aim at. */
export interface FuzzTargets {
  /** Open executions: reads and commands may hit them (cancel never does). */
  live: LiveTarget[];
  /** Executions a fuzzed cancel may close; nothing else depends on them. */
  cancellable: string[];
  /** Closed executions (the SSE stream of an open one never ends, so only these and unknown ids are streamed). */
  closed: string[];
  /** Ids of Temporal workflows that are not executions (the registry). */
  foreign: string[];
  workflowIds: string[];
  /** A key with every permission. */
  adminKey: string;
}

/** One generated request, ready for `app.inject`. */
export interface FuzzRequest {
  route: string;
  /** What the request breaks: `none`, one dimension, or `chaos`. */
  fault: Fault;
  method: NonNullable<InjectOptions['method']>;
  url: string;
  headers: Record<string, string | string[]>;
  payload?: string | Buffer;
}

const FAULTS = ['none', 'path', 'query', 'auth', 'headers', 'content-type', 'body-value', 'body-shape', 'chaos'] as const;
type Fault = (typeof FAULTS)[number];

/** Path segments that are not ids: long, odd, encoded, invalid encodings. */
const oddSegmentArb: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'binary', minLength: 1, maxLength: 30 }).map(encodeURIComponent),
  fc.constantFrom('%', '%zz', '%E0%A4%A', '%00', '%2F', '%2e%2e', '.', 'a'.repeat(256), 'a'.repeat(257), 'x'.repeat(2000), 'UPPER', '-', 'a--', '__proto__', 'constructor', 'toString'),
  fc.uuid(),
  fc.uuid().map((u) => `fz-approval-${u}`),
);

/** `?a=1&a=2&b=…` with hostile, repeated or badly encoded values, and tricky keys. */
function hostileQueryArb(keys: readonly string[]): fc.Arbitrary<string> {
  const valueArb = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 20 }).map(encodeURIComponent),
    fc.constantFrom('', '%zz', '-1', '0', '1e999', 'NaN', '1.5', '0x10', 'true', 'TRUE', 'yes', '9'.repeat(400), 'A'.repeat(5000)),
  );
  const entryArb = fc.tuple(fc.constantFrom(...keys, ...keys, '__proto__', 'constructor', 'unknown'), fc.array(valueArb, { minLength: 1, maxLength: 2 }));
  return fc
    .array(entryArb, { minLength: 1, maxLength: 3 })
    .map((entries) => `?${entries.flatMap(([key, values]) => values.map((v) => `${encodeURIComponent(key)}=${v}`)).join('&')}`);
}

/** Plausible values of `keys`, or no query at all. */
function plausibleQueryArb(plausible: Record<string, readonly string[]>): fc.Arbitrary<string> {
  const keys = Object.keys(plausible);
  if (keys.length === 0) return fc.constant('');
  const entryArb = fc.constantFrom(...keys).chain((key) => fc.constantFrom(...plausible[key]!).map((v) => `${key}=${encodeURIComponent(v)}`));
  return fc.uniqueArray(entryArb, { maxLength: 2, selector: (e) => e.split('=')[0] }).map((entries) => (entries.length === 0 ? '' : `?${entries.join('&')}`));
}

const oddContentTypeArb = fc.constantFrom(
  'application/json; charset=utf-16',
  'application/yaml',
  'text/yaml',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/problem+json',
  ';;;',
  '',
  'application/json, text/plain',
);

const badAuthArb = fc.constantFrom<Record<string, string | string[]>>(
  {},
  { authorization: 'Bearer' },
  { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` },
  { authorization: 'Bearer not-a-key-0123456789abcdef' },
  { authorization: 'Bearer ключ-0123456789abcdef' },
  { authorization: `Bearer ${'x'.repeat(10_000)}` },
  { 'x-api-key': 'other-key-0123456789abcdef' },
  { 'x-api-key': ['k1-0123456789abcdef', 'k2-0123456789abcdef'] },
);

const badHeadersArb: fc.Arbitrary<Record<string, string>> = fc.record(
  {
    'idempotency-key': fc.oneof(fc.string({ unit: 'binary', maxLength: 300 }), fc.constantFrom('x'.repeat(256), ' ', '\u0000', 'fuzz-key-1')),
    'last-event-id': fc.constantFrom('-1', '0', '3', 'abc', '1e999', '99999999999999999999'),
    'x-request-id': fc.constantFrom('x'.repeat(10_000), '\u0000', 'ok'),
    accept: fc.constantFrom('text/html', '*/*', 'application/xml', 'text/event-stream'),
    'x-http-method-override': fc.constantFrom('DELETE', 'PUT'),
  },
  { requiredKeys: [] },
);

/** A body of the wrong shape: odd keys, any hostile value, invalid JSON, not UTF-8, over the limit, empty. */
function badShapeArb(fields: readonly string[]): fc.Arbitrary<string | Buffer> {
  const text: fc.Arbitrary<string | Buffer> = hostileBodyArb(fields);
  const bytes: fc.Arbitrary<string | Buffer> = invalidUtf8Arb;
  const tooLarge: fc.Arbitrary<string | Buffer> = fc.constant(JSON.stringify({ reason: 'x'.repeat(1_100_000) }));
  return fc.oneof({ weight: 8, arbitrary: text }, { weight: 1, arbitrary: bytes }, { weight: 1, arbitrary: tooLarge });
}

/** Every route, the faults it can have, and the request it becomes. */
export function fuzzRequestArb(targets: FuzzTargets): fc.Arbitrary<FuzzRequest> {
  const routes = routeSpecs(targets);
  const auth = { authorization: `Bearer ${targets.adminKey}` };
  return fc
    .tuple(fc.oneof(...routes.map((spec) => ({ weight: spec.weight, arbitrary: fc.constant(spec) }))), fc.constantFrom(...FAULTS))
    .chain(([spec, fault]) => {
      const hit = (f: Fault): boolean => fault === f || fault === 'chaos';
      const body = spec.body;
      return fc.record({
        path: hit('path') ? spec.oddPath : spec.path,
        query: hit('query') ? hostileQueryArb(Object.keys(spec.query)) : plausibleQueryArb(spec.query),
        auth: hit('auth') ? badAuthArb : fc.constant(auth),
        extra: hit('headers') ? badHeadersArb : fc.constant({}),
        contentType: hit('content-type') ? oddContentTypeArb : fc.constant('application/json'),
        payload: body === undefined ? fc.constant(undefined) : hit('body-shape') ? badShapeArb(body.fields) : hit('body-value') ? hostileFieldsArb(body.fields) : plausibleBodyArb(body),
        method: spec.method,
      }).map(({ path, query, auth: a, extra, contentType, payload, method }): FuzzRequest => ({
        route: spec.name,
        fault,
        method,
        url: `${path}${query}`,
        headers: { ...extra, ...a, ...(payload === undefined || contentType === '' ? {} : { 'content-type': contentType }) },
        ...(payload === undefined ? {} : { payload }),
      }));
    });
}

/** The endpoint's fields, some of them hostile. */
function hostileFieldsArb(fields: readonly string[]): fc.Arbitrary<string> {
  return fields.length === 0 ? hostileValueArb : nearValidBodyArb(fields, {}, false).filter((text) => text !== '{}');
}

/** The endpoint's fields with plausible values (which may still be refused by the execution). */
function plausibleBodyArb(body: NonNullable<RouteSpec['body']>): fc.Arbitrary<string> {
  const keys = Object.keys(body.plausible);
  if (keys.length === 0) return fc.constantFrom('{}', 'null');
  const required = body.required ?? [];
  const entryArb = fc.constantFrom(...keys).chain((key) => body.plausible[key]!.map((value) => [key, value] as const));
  return fc
    .tuple(fc.tuple(...required.map((key) => body.plausible[key]!.map((value) => [key, value] as const))), fc.uniqueArray(entryArb, { maxLength: keys.length, selector: ([key]) => key }))
    .map(([must, some]) => [...must, ...some.filter(([key]) => !required.includes(key))])
    .map((entries) => `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`);
}

function routeSpecs(targets: FuzzTargets): RouteSpec[] {
  const seg = (pool: readonly string[]): fc.Arbitrary<string> => (pool.length > 0 ? fc.constantFrom(...pool) : oddSegmentArb);
  const live = fc.constantFrom(...targets.live);
  const liveId = fc.oneof({ weight: 5, arbitrary: live.map((x) => x.id) }, { weight: 1, arbitrary: seg(targets.foreign) });
  const onTask = (sub: string): fc.Arbitrary<string> => live.chain((x) => fc.constantFrom(...x.tasks).map((t) => `/api/v1/executions/${x.id}/${sub}/${t}`));
  const oddOnTask = (sub: string): fc.Arbitrary<string> =>
    fc.oneof(
      fc.tuple(liveId, oddSegmentArb).map(([id, t]) => `/api/v1/executions/${id}/${sub}/${t}`),
      fc.tuple(oddSegmentArb, seg(targets.live.flatMap((x) => x.tasks))).map(([id, t]) => `/api/v1/executions/${id}/${sub}/${t}`),
      // A task of another live execution.
      fc.tuple(live, live).map(([a, b]) => `/api/v1/executions/${a.id}/${sub}/${b.tasks[0]!}`),
    );
  const workflow = seg(targets.workflowIds.slice(0, 4));
  const exec = (suffix: string, ids: fc.Arbitrary<string> = liveId): { path: fc.Arbitrary<string>; oddPath: fc.Arbitrary<string> } => ({
    path: ids.map((id) => `/api/v1/executions/${id}${suffix}`),
    oddPath: oddSegmentArb.map((id) => `/api/v1/executions/${id}${suffix}`),
  });
  const wf = (suffix: string): { path: fc.Arbitrary<string>; oddPath: fc.Arbitrary<string> } => ({
    path: workflow.map((id) => `/api/v1/workflows/${id}${suffix}`),
    oddPath: fc.oneof(oddSegmentArb, fc.constantFrom('nope', 'fz-new', 'validate')).map((id) => `/api/v1/workflows/${id}${suffix}`),
  });
  const fixed = (path: string, odd: string[]): { path: fc.Arbitrary<string>; oddPath: fc.Arbitrary<string> } => ({ path: fc.constant(path), oddPath: fc.constantFrom(...odd) });
  const s = (value: unknown): string => JSON.stringify(value);
  const tasksArb = fc
    .tuple(fc.constantFrom(...targets.live.flatMap((x) => x.tasks), 'nope'), fc.constantFrom('"retry"', '"skip"', '"jump"'), fc.constantFrom('{"ok":true}', 'null', '{}'))
    .map(([id, action, output]) => `{${s(id)}:{"action":${action},"output":${output}}}`);
  const definitionTasks = fc.constantFrom(
    s([{ id: 'e', type: 'basic', tool: 'echo' }]),
    s([{ id: 'r', type: 'router', condition: `${'('.repeat(300)}true${')'.repeat(300)}`, routes: { true: 'e' } }, { id: 'e', type: 'basic', tool: 'echo' }]),
    s([{ id: 'constructor', type: 'basic', tool: 'echo', with: { v: '{{ tasks.constructor.output }}' } }]),
    s([{ id: 'a', type: 'approval', approvers: { users: ['u'.repeat(3000)] } }]),
    s([{ id: 'e', type: 'basic', tool: 'echo', with: JSON.parse(nestedText(60)) as unknown }]),
  );
  return [
    route('PUT workflow', 'PUT', 2, wf(''), { version: ['1', '7'] }, { fields: ['id', 'version', 'name', 'tasks', 'input', 'outputs'], plausible: { tasks: definitionTasks, version: fc.constantFrom('1', '2', '9007199254740991') } }),
    route('validate', 'POST', 2, fixed('/api/v1/workflows/validate', ['/api/v1/workflows/validate/x', '/api/v1/workflows//validate']), {}, { fields: ['id', 'version', 'tasks', 'input'], plausible: { id: fc.constant('"fz-x"'), tasks: definitionTasks } }),
    route('list workflows', 'GET', 1, fixed('/api/v1/workflows', ['/api/v1/workflows/', '/api/v1//workflows']), {}),
    route('get workflow', 'GET', 1, wf(''), { version: ['1', '2'] }),
    route('trigger', 'POST', 4, wf('/executions'), {}, { fields: ['input', 'version'], plausible: { input: fc.constantFrom('{}', '{"n":1}'), version: fc.constantFrom('1', '2') } }),
    route('list executions', 'GET', 1, fixed('/api/v1/executions', ['/api/v1/executions/']), { status: ['paused', 'running', 'completed'], awaiting: ['me'], workflow: targets.workflowIds, page_size: ['1', '200'] }),
    route('get execution', 'GET', 1, exec(''), {}),
    route('status', 'GET', 1, exec('/status'), {}),
    route('events', 'GET', 1, exec('/events'), { after: ['0', '2'], limit: ['1', '1000'] }),
    route('task context', 'GET', 1, { path: onTask('tasks').map((p) => `${p}/context`), oddPath: oddOnTask('tasks').map((p) => `${p}/context`) }, {}),
    route('stream', 'GET', 1, exec('/stream', seg([...targets.closed, ...targets.foreign])), { after: ['0', '3'] }),
    route('cancel', 'POST', 1, exec('/cancel', seg(targets.cancellable)), {}, { fields: [], plausible: {} }),
    route('pause', 'POST', 3, exec('/pause'), {}, { fields: ['reason', 'mode'], plausible: { reason: fc.constantFrom('"fuzz"', s('r'.repeat(1000))), mode: fc.constantFrom('"graceful"', '"immediate"') } }),
    route('resume', 'POST', 3, exec('/resume'), { dry_run: ['true', 'false'] }, {
      fields: ['mode', 'tasks', 'context', 'reason'],
      plausible: { mode: fc.constantFrom('"continue"', '"retry"', '"skip"'), tasks: tasksArb, context: fc.constantFrom('{"input":{"x":1}}', '{}'), reason: fc.constant('"fuzz"') },
    }),
    route('task resume', 'POST', 3, { path: onTask('tasks').map((p) => `${p}/resume`), oddPath: oddOnTask('tasks').map((p) => `${p}/resume`) }, {}, {
      fields: ['resume_data'],
      plausible: { resume_data: fc.constantFrom('{"carrier":""}', '{"carrier":7}', '{}', 'null') },
    }),
    route('decide', 'POST', 3, { path: onTask('approvals'), oddPath: oddOnTask('approvals') }, {}, {
      fields: ['decision', 'comment', 'data'],
      plausible: { decision: fc.constantFrom('"approve"', '"reject"'), comment: fc.constant('"ok"'), data: fc.constantFrom('{"note":7}', '{}') },
      required: ['decision'],
    }),
    route('signal', 'POST', 3, { path: liveId.chain((id) => fc.constantFrom('shipped', 'other').map((n) => `/api/v1/executions/${id}/signals/${n}`)), oddPath: fc.tuple(liveId, fc.oneof(oddSegmentArb, fc.constantFrom('pause', 'resume', 'taskResume', 'decide', 'commandRejected', 'a'.repeat(101)))).map(([id, n]) => `/api/v1/executions/${id}/signals/${n}`) }, {}, {
      fields: ['payload'],
      plausible: { payload: fc.constantFrom('{"carrier":""}', '{}', 'null') },
    }),
    route('approvals inbox', 'GET', 1, fixed('/api/v1/approvals', ['/api/v1/approvals/x']), { status: ['pending'], workflow: ['fz-approval'], page_size: ['1', '200'] }),
    route('health', 'GET', 1, { path: fc.constantFrom('/healthz', '/readyz', '/docs/json'), oddPath: fc.constantFrom('/healthz/x', '/%zz', '//') }, {}),
    route('other methods', fc.constantFrom('DELETE', 'PATCH', 'OPTIONS', 'HEAD'), 1, fixed('/api/v1/workflows/fz-approval', ['/api/v2/anything', '/api/v1/executions/x/y/z', '/%zz', '//']), {}, { fields: [], plausible: {} }),
  ];
}
