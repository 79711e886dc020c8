/**
 * Property-based fuzzing of the REST API against a real Temporal dev server and a real worker (issue
 * "Trust I"): generated bodies, path parameters, query strings and headers on every route, aimed at
 * live executions (waiting on an approval, on a signal, on a repair, at a breakpoint) and at ids that
 * exist nowhere. Every answer is below 500, every 4xx is a problem document with a catalogued type;
 * afterwards valid commands still drive every execution to completion, and the journals show nothing
 * was lost. Reproduce a failure with CADENZA_FUZZ_SEED (printed on failure); CADENZA_FUZZ_RUNS sets the
 * number of generated requests.
 */
import fc from 'fast-check';
import type { LightMyRequestResponse } from 'fastify';
import type { StatusView } from '../../../src/workflows/contracts';
import { problemDefect, Tally } from '../fuzz/problem-types';
import { brokenExecutions } from '../fuzz/broken-executions';
import { startApiContext, type ApiContext } from './api-context';
import { ExecutionDriver } from './execution-driver';
import { financeApproval, shippingWait } from '../fixtures/edge-definitions';
import { type FuzzRequest, fuzzRequestArb, type FuzzTargets } from './fuzz-requests';

jest.setTimeout(240_000);

const SEED = Number(process.env.CADENZA_FUZZ_SEED ?? 20_261_201);
const RUNS = Number(process.env.CADENZA_FUZZ_RUNS ?? 800);
const ADMIN = 'fuzz-admin-key-0123456789abcdef';

let ctx: ApiContext;
let api: ExecutionDriver;

const definitions = [
  financeApproval('fz-approval'),
  shippingWait('fz-wait'),
  {
    id: 'fz-repair',
    tasks: [
      { id: 'boom', type: 'basic', tool: 'fail', with: { non_retryable: true }, retry: { maximum_attempts: 1 }, on_error: { pause: true }, on_success: { next: 'done' } },
      { id: 'done', type: 'basic', tool: 'echo', with: { repaired: '{{ tasks.boom.output }}' } },
    ],
    outputs: { repaired: '{{ tasks.done.output.repaired }}' },
  },
  { id: 'fz-break', tasks: [{ id: 'first', type: 'basic', tool: 'echo', pause_before: true, with: { ok: true } }], outputs: { ok: '{{ tasks.first.output.ok }}' } },
];

/** How each live execution is waiting when the fuzzing starts. */
const waitsFor: Record<string, string> = { 'fz-approval': 'approval_required', 'fz-wait': 'waiting_for_signal', 'fz-repair': 'task_failed', 'fz-break': 'breakpoint' };

beforeAll(async () => {
  ctx = await startApiContext({ apiKeys: [{ key: ADMIN, name: 'fuzzer', permissions: ['*'], roles: ['finance'] }] });
  api = new ExecutionDriver(ctx.app, ADMIN);
  for (const definition of definitions) await api.register(definition);
});

afterAll(async () => {
  await ctx?.close();
});

/** Starts an execution and waits until it waits as `waitsFor` says; `version` pins the definition (fuzzed PUTs add versions). */
async function startWaiting(workflowId: string, version?: number): Promise<{ id: string; status: StatusView }> {
  const res = await api.post(`/api/v1/workflows/${workflowId}/executions`, { input: {}, ...(version === undefined ? {} : { version }) });
  if (res.statusCode !== 202) throw new Error(`trigger ${workflowId}: ${res.statusCode} ${res.body}`);
  const id = res.json<{ execution_id: string }>().execution_id;
  const status = await api.waitForStatus(id, 'paused', (s) => s.pause?.reason === waitsFor[workflowId]);
  return { id, status };
}

/** Resolves whatever an execution waits for with a valid command, until it completes. */
async function settle(id: string): Promise<StatusView> {
  for (let round = 0; round < 10; round++) {
    const status = await api.status(id);
    if (status.status === 'completed') return status;
    if (!['running', 'pausing', 'paused'].includes(status.status)) throw new Error(`${id} ended ${status.status}: ${JSON.stringify(status.error)}`);
    for (const gate of status.pause?.gates ?? []) {
      const url = `/api/v1/executions/${id}`;
      const answer = await (gate.reason === 'approval_required'
        ? api.post(`${url}/approvals/${gate.task_id}`, { decision: 'approve', data: { note: 'settled' } })
        : gate.reason === 'waiting_for_signal'
          ? api.post(`${url}/tasks/${gate.task_id}/resume`, { resume_data: { carrier: 'settled' } })
          : gate.reason === 'task_failed'
            ? api.post(`${url}/resume`, { mode: 'skip', tasks: { [gate.task_id!]: { output: { ok: 'settled' } } } })
            : api.post(`${url}/resume`, {}));
      // A gate resolved meanwhile (by the previous command) is a 409; anything else must be accepted.
      if (answer.statusCode !== 200 && answer.statusCode !== 409) throw new Error(`settling ${id} (${gate.reason}): ${answer.statusCode} ${answer.body}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return api.waitForStatus(id, 'completed');
}

/** Why `res` breaks the contract for `req`, or undefined. */
function defect(req: FuzzRequest, res: LightMyRequestResponse): string | undefined {
  if (res.statusCode >= 500) return `answered ${res.statusCode}: ${res.body.slice(0, 500)}`;
  const type = String(res.headers['content-type'] ?? '');
  if (res.statusCode >= 400) {
    if (!type.startsWith('application/problem+json')) return `${res.statusCode} with content type ${type}: ${res.body.slice(0, 300)}`;
    if (req.method === 'HEAD') return undefined;
    let doc: unknown;
    try {
      doc = JSON.parse(res.body);
    } catch {
      return `${res.statusCode} problem body is not JSON`;
    }
    return problemDefect(doc, res.statusCode);
  }
  if (req.method === 'HEAD') return undefined;
  if (req.route === 'stream' && res.statusCode === 200) return type.startsWith('text/event-stream') ? undefined : `stream answered ${type}`;
  if (req.route === 'health' && req.url.startsWith('/docs')) return undefined;
  return type.startsWith('application/json') ? undefined : `${res.statusCode} with content type ${type}`;
}

function describeRequest(req: FuzzRequest): string {
  const payload = req.payload === undefined ? '(none)' : Buffer.isBuffer(req.payload) ? `bytes ${req.payload.toString('hex').slice(0, 80)}` : req.payload.slice(0, 300);
  const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v).slice(0, 80)]));
  return `${req.method} ${req.url.slice(0, 300)} headers=${JSON.stringify(headers)} body=${payload}`;
}

it(`never answers 5xx, always a catalogued problem for a 4xx, and loses nothing (${RUNS} requests, seed ${SEED})`, async () => {
  const started = Date.now();
  const approval = await startWaiting('fz-approval');
  const wait = await startWaiting('fz-wait');
  const repair = await startWaiting('fz-repair');
  const breakpoint = await startWaiting('fz-break');
  const victims = [await api.trigger('fz-approval'), await api.trigger('fz-wait')];
  const closed = await api.trigger('fz-break');
  await settle(closed);
  const live = [approval, wait, repair, breakpoint];
  const tasksOf: Record<string, string[]> = { 'fz-approval': ['approve', 'done'], 'fz-wait': ['ship', 'notify'], 'fz-repair': ['boom', 'done'], 'fz-break': ['first'] };
  const targets: FuzzTargets = {
    live: live.map((x, i) => ({
      id: x.id,
      tasks: [...tasksOf[definitions[i]!.id]!, ...(x.status.pause?.gates.map((g) => g.task_exec_id).filter((t): t is string => t !== null) ?? [])],
    })),
    cancellable: victims,
    closed: [closed],
    foreign: [ctx.registryId],
    workflowIds: [...definitions.map((d) => d.id), 'nope', 'fz-new'],
    adminKey: ADMIN,
  };

  const statuses = new Tally();
  const slugs = new Tally();
  const faults = new Tally();
  await fc.assert(
    fc.asyncProperty(fuzzRequestArb(targets), async (req) => {
      const res = await ctx.app.inject({ method: req.method, url: req.url, headers: req.headers, ...(req.payload === undefined ? {} : { payload: req.payload }) });
      statuses.add(`${req.route} ${res.statusCode}`);
      faults.add(`${req.fault} ${res.statusCode < 300 ? '2xx' : res.statusCode}`);
      const wrong = defect(req, res);
      if (res.statusCode >= 400 && res.body !== '' && wrong === undefined) slugs.add(res.json<{ type: string }>().type.split('/').pop() ?? '?');
      if (wrong !== undefined) throw new Error(`${wrong}\n  request: ${describeRequest(req)}\n  reproduce with CADENZA_FUZZ_SEED=${SEED}`);
    }),
    { seed: SEED, numRuns: RUNS, endOnFailure: true },
  );
  const fuzzMs = Date.now() - started;
  process.stderr.write(`REST fuzz: ${statuses.total} requests in ${fuzzMs} ms (seed ${SEED})\n  by route and status: ${String(statuses)}\n  by fault: ${String(faults)}\n  problem types: ${String(slugs)}\n`);
  expect(statuses.total).toBe(RUNS);
  expect(ctx.worker!.worker.getState()).toBe('RUNNING');
  // No execution (a target, or one a fuzzed trigger started) was broken by what it was sent.
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  expect(await brokenExecutions(ctx.t.client, ctx.taskQueue)).toEqual([]);

  // Every execution the fuzzing aimed at still completes with valid commands, and its journal is whole.
  for (const { id } of live) {
    const done = await settle(id);
    expect(done.status).toBe('completed');
    const events = await api.events(id);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events.at(-1)!.type).toBe('WorkflowExecutionSuccess');
    expect(events.filter((e) => e.type === 'WorkflowExecutionStarted')).toHaveLength(1);
  }
  const approved = await api.execution(approval.id);
  const decided = (await api.events(approval.id)).find((e) => e.type === 'ApprovalDecided')!;
  expect(approved.outputs).toEqual({ decision: decided.data.decision });

  // And a fresh execution runs as it did before the fuzzing.
  const fresh = await startWaiting('fz-wait', 1);
  const woken = await api.post(`/api/v1/executions/${fresh.id}/tasks/ship/resume`, { resume_data: { carrier: 'after-fuzz' } });
  expect(woken.statusCode).toBe(200);
  await api.waitForStatus(fresh.id, 'completed');
  expect((await api.execution(fresh.id)).outputs).toEqual({ carrier: 'after-fuzz' });
});
