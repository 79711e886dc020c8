/**
 * The interpreter workflow against a real Temporal dev server, with test tools.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WorkflowFailedError } from '@temporalio/client';
import { useClientAndWorker } from '../harness';
import { cancellationsSeen, recorded, tools } from '../fixtures/test-tools';
import { executionQuery, statusQuery, taskContextQuery } from '../../../src/workflows/messages';
import { CadenzaStatusKey } from '../../../src/workflows/search-attributes';
import type { StatusView } from '../../../src/workflows/contracts';
import { definition, journal, startExecution, types } from './start-execution';

const env = useClientAndWorker({ tools });

const fastRetry = { initial_interval: '50ms', maximum_attempts: 3 };

describe('linear flows and templates', () => {
  it('runs a chain, passes outputs through templates and renders outputs with their types', async () => {
    const def = definition({
      tasks: [
        { id: 'first', type: 'basic', tool: 'echo', with: { n: '{{ input.n + 1 }}', who: 'order {{ input.order }}' }, on_success: { next: 'second' } },
        { id: 'second', type: 'basic', tool: 'record', with: { doubled: '{{ tasks.first.output.n * 2 }}', env: '{{ env.REGION }}' } },
      ],
      outputs: { total: '{{ tasks.second.output.doubled }}', label: '{{ tasks.first.output.who }}' },
    });
    const handle = await startExecution(env.t.client, env.w.taskQueue, def, { n: 2, order: 'A-1' }, { REGION: 'eu' });
    const result = await handle.result();
    expect(result.status).toBe('completed');
    expect(result.outputs).toEqual({ total: 6, label: 'order A-1' });
    expect(recorded.find((r) => r.task_id === 'second')?.input).toEqual({ doubled: 6, env: 'eu' });

    const events = await journal(handle);
    expect(types(events)).toEqual([
      'WorkflowExecutionStarted',
      'TaskScheduled', 'TaskDispatched', 'TaskExecutionStarted', 'TaskExecutionSuccess',
      'TaskScheduled', 'TaskDispatched', 'TaskExecutionStarted', 'TaskExecutionSuccess',
      'WorkflowExecutionSuccess',
    ]);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
    const scheduled = events.find((e) => e.type === 'TaskScheduled' && e.task_id === 'second');
    expect(scheduled?.task_exec_id).toEqual(expect.any(String));
    expect(events.filter((e) => e.task_id === 'second').every((e) => e.task_exec_id === scheduled?.task_exec_id)).toBe(true);
  });

  it('answers the task context query with inbound context, resolved input, output and attempts', async () => {
    const def = definition({
      tasks: [
        { id: 'a', type: 'basic', tool: 'echo', with: { v: 1 }, on_success: { next: 'b' } },
        { id: 'b', type: 'basic', tool: 'echo', with: { from_a: '{{ tasks.a.output.v }}' } },
      ],
    });
    const handle = await startExecution(env.t.client, env.w.taskQueue, def, { k: 'x' });
    await handle.result();
    const ctx = await handle.query(taskContextQuery, 'b');
    expect(ctx).toMatchObject({
      task_id: 'b',
      status: 'succeeded',
      attempts: 1,
      input: { from_a: 1 },
      output: { from_a: 1 },
      error: null,
      inbound_context: { input: { k: 'x' }, tasks: { a: { status: 'succeeded', output: { v: 1 } } } },
    });
    expect(ctx?.runs).toHaveLength(1);
    expect(await handle.query(taskContextQuery, 'nope')).toBeNull();
    const view = await handle.query(executionQuery);
    expect(view.tasks.map((x) => [x.task_id, x.status])).toEqual([['a', 'succeeded'], ['b', 'succeeded']]);
  });

  it('keeps the CadenzaStatus search attribute current', async () => {
    const def = definition({ tasks: [{ id: 'a', type: 'basic', tool: 'echo' }] });
    const handle = await startExecution(env.t.client, env.w.taskQueue, def);
    await handle.result();
    const described = await handle.describe();
    expect(described.typedSearchAttributes.get(CadenzaStatusKey)).toBe('completed');
  });
});

describe('retries', () => {
  it('completes a task that fails twice with two TaskRetryScheduled events', async () => {
    const def = definition({ tasks: [{ id: 'shaky', type: 'basic', tool: 'flaky', with: { failures: 2 }, retry: fastRetry }] });
    const handle = await startExecution(env.t.client, env.w.taskQueue, def);
    const result = await handle.result();
    expect(result.status).toBe('completed');
    const events = await journal(handle);
    const retries = events.filter((e) => e.type === 'TaskRetryScheduled');
    expect(retries).toHaveLength(2);
    expect(retries.map((e) => e.attempt)).toEqual([1, 2]);
    expect(retries[0]?.data).toMatchObject({ next_attempt: 2, error: { type: 'Flaky', message: 'flaky failure 1' } });
    expect(events.filter((e) => e.type === 'TaskExecutionSuccess')[0]).toMatchObject({ attempt: 3, data: { output: { attempts: 3, attempt: 3 } } });
    const ctx = await handle.query(taskContextQuery, 'shaky');
    expect(ctx?.attempts).toBe(3);
    // One task execution: every attempt shared the idempotency key.
    expect(new Set(events.filter((e) => e.task_id === 'shaky').map((e) => e.task_exec_id)).size).toBe(1);
  });

  it('fails the execution when a task exhausts its retries, naming the task', async () => {
    const def = definition({ tasks: [{ id: 'charge', type: 'basic', tool: 'fail', with: { message: 'card declined' }, retry: { ...fastRetry, maximum_attempts: 2 } }] });
    const handle = await startExecution(env.t.client, env.w.taskQueue, def);
    const err: unknown = await handle.result().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect((err as WorkflowFailedError).cause?.message).toBe('task "charge" failed: card declined');
    const events = await journal(handle);
    expect(events.filter((e) => e.type === 'TaskRetryScheduled')).toHaveLength(1);
    const failed = events.at(-1);
    expect(failed).toMatchObject({ type: 'WorkflowExecutionFailed', task_id: 'charge', data: { error: { task_id: 'charge', message: 'task "charge" failed: card declined' } } });
    const status = await handle.query(statusQuery);
    expect(status).toMatchObject({ status: 'failed', error: { task_id: 'charge' } });
    expect((await handle.describe()).typedSearchAttributes.get(CadenzaStatusKey)).toBe('failed');
  });

  it('does not retry non-retryable errors, nor error types the policy lists', async () => {
    const def = definition({
      tasks: [
        { id: 'a', type: 'basic', tool: 'fail', with: { type: 'Declined' }, retry: { ...fastRetry, non_retryable_errors: ['Declined'] }, on_error: { next: 'b' } },
        { id: 'b', type: 'basic', tool: 'fail', with: { non_retryable: true }, retry: fastRetry },
      ],
    });
    const handle = await startExecution(env.t.client, env.w.taskQueue, def);
    await expect(handle.result()).rejects.toThrow(WorkflowFailedError);
    const events = await journal(handle);
    expect(events.filter((e) => e.type === 'TaskRetryScheduled')).toHaveLength(0);
    expect(events.filter((e) => e.type === 'TaskDispatched')).toHaveLength(2);
  });

  it('fails a task at once when its tool is unknown or its input is invalid', async () => {
    const unknown = await startExecution(env.t.client, env.w.taskQueue, definition({ tasks: [{ id: 'a', type: 'basic', tool: 'nope', retry: fastRetry }] }));
    await expect(unknown.result()).rejects.toThrow(WorkflowFailedError);
    expect((await unknown.query(taskContextQuery, 'a'))?.error).toMatchObject({ type: 'ToolNotFound', non_retryable: true });

    const invalid = await startExecution(env.t.client, env.w.taskQueue, definition({ tasks: [{ id: 'a', type: 'basic', tool: 'sleep', with: { ms: 'soon' }, retry: fastRetry }] }));
    await expect(invalid.result()).rejects.toThrow(WorkflowFailedError);
    const ctx = await invalid.query(taskContextQuery, 'a');
    expect(ctx?.error).toMatchObject({ type: 'ToolInputInvalid' });
    expect(ctx?.error?.message).toContain('ms');
    expect(ctx?.attempts).toBe(1);
  });

  it('fails a task whose template cannot be evaluated, without running its tool', async () => {
    const def = definition({ tasks: [{ id: 'a', type: 'basic', tool: 'record', with: { v: '{{ input.missing.deep }}' } }] });
    const handle = await startExecution(env.t.client, env.w.taskQueue, def, {});
    await expect(handle.result()).rejects.toThrow(WorkflowFailedError);
    const ctx = await handle.query(taskContextQuery, 'a');
    expect(ctx?.error).toMatchObject({ type: 'TemplateError', non_retryable: true });
    expect(types(await journal(handle))).not.toContain('TaskDispatched');
  });
});

describe('routing and error transitions', () => {
  const routed = definition({
    tasks: [
      { id: 'route', type: 'router', condition: 'input.amount > 1000', routes: { true: 'approve', false: 'charge' } },
      { id: 'approve', type: 'basic', tool: 'echo', with: { path: 'approve' }, final: true },
      { id: 'charge', type: 'basic', tool: 'echo', with: { path: 'charge' } },
    ],
    outputs: { route: '{{ tasks.route.output.route }}' },
  });

  it.each([
    [1500, 'approve'],
    [10, 'charge'],
  ])('routes amount %p to %p', async (amount, expected) => {
    const handle = await startExecution(env.t.client, env.w.taskQueue, routed, { amount });
    const result = await handle.result();
    expect(result.outputs).toEqual({ route: expected });
    const view = await handle.query(executionQuery);
    expect(view.tasks.map((x) => x.task_id)).toEqual(['route', expected]);
  });

  it('takes the default route, and fails when no route matches', async () => {
    const withDefault = definition({
      tasks: [
        { id: 'r', type: 'router', condition: 'input.kind', routes: { a: 'x' }, default: 'y' },
        { id: 'x', type: 'basic', tool: 'echo', final: true },
        { id: 'y', type: 'basic', tool: 'echo' },
      ],
    });
    const h1 = await startExecution(env.t.client, env.w.taskQueue, withDefault, { kind: 'zzz' });
    await h1.result();
    expect((await h1.query(executionQuery)).tasks.map((x) => x.task_id)).toEqual(['r', 'y']);

    const noDefault = definition({ tasks: [{ id: 'r', type: 'router', condition: 'input.kind', routes: { a: 'x' } }, { id: 'x', type: 'basic', tool: 'echo' }] });
    const h2 = await startExecution(env.t.client, env.w.taskQueue, noDefault, { kind: 'zzz' });
    await expect(h2.result()).rejects.toThrow(WorkflowFailedError);
    expect((await h2.query(taskContextQuery, 'r'))?.error).toMatchObject({ type: 'NoRouteMatched' });
  });

  it('follows on_error.next and exposes the error to later tasks', async () => {
    const def = definition({
      tasks: [
        { id: 'charge', type: 'basic', tool: 'fail', with: { message: 'declined' }, retry: { maximum_attempts: 1 }, on_error: { next: 'notify' }, on_success: { next: 'done' } },
        { id: 'notify', type: 'basic', tool: 'echo', with: { why: '{{ tasks.charge.error.message }}' }, final: true },
        { id: 'done', type: 'basic', tool: 'echo' },
      ],
    });
    const handle = await startExecution(env.t.client, env.w.taskQueue, def);
    const result = await handle.result();
    expect(result.status).toBe('completed');
    const ctx = await handle.query(taskContextQuery, 'notify');
    expect(ctx?.output).toEqual({ why: 'declined' });
  });
});

describe('parallel', () => {
  it('wait_all runs branches concurrently and collects their outputs', async () => {
    const def = definition({
      tasks: [
        {
          id: 'fan', type: 'parallel', strategy: 'wait_all', on_success: { next: 'join' },
          branches: [
            { id: 'left', tasks: [{ id: 'l1', type: 'basic', tool: 'sleep', with: { ms: 300, output: 'L' } }] },
            { id: 'right', tasks: [{ id: 'r1', type: 'basic', tool: 'sleep', with: { ms: 300, output: 'R' }, on_success: { next: 'r2' } }, { id: 'r2', type: 'basic', tool: 'echo', with: { got: '{{ tasks.r1.output }}' } }] },
          ],
        },
        { id: 'join', type: 'basic', tool: 'echo', with: { left: '{{ tasks.fan.output.branches.left.output }}', right: '{{ tasks.fan.output.branches.right.output.got }}' } },
      ],
    });
    const started = Date.now();
    const handle = await startExecution(env.t.client, env.w.taskQueue, def);
    await handle.result();
    expect(Date.now() - started).toBeLessThan(5000);
    expect((await handle.query(taskContextQuery, 'join'))?.output).toEqual({ left: 'L', right: 'R' });
    expect((await handle.query(taskContextQuery, 'r2'))?.branch).toBe('fan/right');
  });

  it('fail_fast cancels sibling tasks, which see the cancellation', async () => {
    const def = definition({
      tasks: [{
        id: 'fan', type: 'parallel', strategy: 'fail_fast',
        branches: [
          { id: 'slow', tasks: [{ id: 'slow-task', type: 'basic', tool: 'sleep', with: { ms: 30_000 }, heartbeat_timeout: '5s' }] },
          { id: 'bad', tasks: [{ id: 'bad-task', type: 'basic', tool: 'fail', with: { non_retryable: true } }] },
        ],
      }],
    });
    const started = Date.now();
    const handle = await startExecution(env.t.client, env.w.taskQueue, def);
    const err: unknown = await handle.result().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(cancellationsSeen).toContain('slow-task');
    const ctx = await handle.query(taskContextQuery, 'slow-task');
    expect(ctx?.status).toBe('cancelled');
    const fan = await handle.query(taskContextQuery, 'fan');
    expect(fan?.error?.message).toContain('branch "bad" failed at task "bad-task"');
    expect(types(await journal(handle), 'slow-task')).toContain('TaskExecutionCancelled');
  });

  it('best_effort completes the other branches and reports the failed one', async () => {
    const def = definition({
      tasks: [{
        id: 'fan', type: 'parallel', strategy: 'best_effort',
        branches: [
          { id: 'ok', tasks: [{ id: 'ok-task', type: 'basic', tool: 'sleep', with: { ms: 200, output: 'fine' } }] },
          { id: 'bad', tasks: [{ id: 'bad-task', type: 'basic', tool: 'fail', with: { non_retryable: true } }] },
        ],
      }],
      outputs: { fan: '{{ tasks.fan.output }}' },
    });
    const handle = await startExecution(env.t.client, env.w.taskQueue, def);
    const result = await handle.result();
    expect(result.status).toBe('completed');
    expect(result.outputs.fan).toMatchObject({ branches: { ok: { status: 'succeeded', output: 'fine' }, bad: { status: 'failed', error: { type: 'Boom' } } } });
  });

  it('wait_all fails after every branch finished when one failed', async () => {
    const def = definition({
      tasks: [{
        id: 'fan', type: 'parallel',
        branches: [
          { id: 'ok', tasks: [{ id: 'ok-task', type: 'basic', tool: 'sleep', with: { ms: 300 } }] },
          { id: 'bad', tasks: [{ id: 'bad-task', type: 'basic', tool: 'fail', with: { non_retryable: true } }] },
        ],
      }],
    });
    const handle = await startExecution(env.t.client, env.w.taskQueue, def);
    await expect(handle.result()).rejects.toThrow(WorkflowFailedError);
    expect((await handle.query(taskContextQuery, 'ok-task'))?.status).toBe('succeeded');
  });
});

describe('cancellation and timeouts', () => {
  it('cancels cooperatively: running tasks see it, the journal closes with WorkflowExecutionCancelled', async () => {
    const def = definition({ tasks: [{ id: 'long', type: 'basic', tool: 'sleep', with: { ms: 30_000 }, heartbeat_timeout: '5s' }] });
    const handle = await startExecution(env.t.client, env.w.taskQueue, def);
    await waitForStatus(handle, (s) => s.active_tasks.includes('long'));
    await new Promise((r) => setTimeout(r, 300));
    await handle.cancel();
    await expect(handle.result()).rejects.toThrow(WorkflowFailedError);
    const events = await journal(handle);
    expect(events.at(-1)?.type).toBe('WorkflowExecutionCancelled');
    expect(types(events, 'long')).toContain('TaskExecutionCancelled');
    expect(cancellationsSeen).toContain('long');
    expect((await handle.query(statusQuery)).status).toBe('cancelled');
    expect((await handle.describe()).status.name).toBe('CANCELLED');
  });

  it('times out an execution after config.timeout', async () => {
    const def = definition({ config: { timeout: '1s' }, tasks: [{ id: 'long', type: 'basic', tool: 'sleep', with: { ms: 30_000 }, heartbeat_timeout: '5s' }] });
    const handle = await startExecution(env.t.client, env.w.taskQueue, def);
    const err: unknown = await handle.result().catch((e: unknown) => e);
    expect((err as WorkflowFailedError).cause?.message).toContain('timed out');
    const status = await handle.query(statusQuery);
    expect(status.status).toBe('timed_out');
    expect((await journal(handle)).at(-1)?.type).toBe('WorkflowExecutionTimedOut');
  });

  it('fails an attempt that exceeds its timeout and retries it', async () => {
    const def = definition({ tasks: [{ id: 'slow', type: 'basic', tool: 'sleep', with: { ms: 5000 }, timeout: '300ms', retry: { maximum_attempts: 2, initial_interval: '50ms' } }] });
    const handle = await startExecution(env.t.client, env.w.taskQueue, def);
    await expect(handle.result()).rejects.toThrow(WorkflowFailedError);
    const retries = (await journal(handle)).filter((e) => e.type === 'TaskRetryScheduled');
    expect(retries).toHaveLength(1);
    expect(retries[0]?.data).toMatchObject({ error: { type: 'Timeout.start_to_close' } });
  });
});

describe('http tool', () => {
  let server: Server;
  let base: string;
  const hits: Array<{ method: string; url: string; body: string; key: string | undefined }> = [];
  let failuresLeft = 0;

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        hits.push({ method: req.method ?? '', url: req.url ?? '', body, key: req.headers['idempotency-key'] as string | undefined });
        if (req.url?.startsWith('/missing')) return void res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"nope"}');
        if (failuresLeft > 0) {
          failuresLeft--;
          return void res.writeHead(503).end('busy');
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: 'ch_1', echoed: body ? (JSON.parse(body) as unknown) : null }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((r) => server.close(r)));

  it('makes a real JSON request, retries 5xx with the same idempotency key', async () => {
    failuresLeft = 1;
    const def = definition({
      tasks: [{ id: 'charge', type: 'basic', tool: 'http', with: { method: 'POST', url: '{{ env.PAYMENTS_URL }}/charge', body: { order: '{{ input.orderId }}' } }, retry: fastRetry }],
      outputs: { charge_id: '{{ tasks.charge.output.body.id }}' },
    });
    const handle = await startExecution(env.t.client, env.w.taskQueue, def, { orderId: 'o-9' }, { PAYMENTS_URL: base });
    const result = await handle.result();
    expect(result.outputs).toEqual({ charge_id: 'ch_1' });
    const charges = hits.filter((h) => h.url === '/charge');
    expect(charges).toHaveLength(2);
    expect(JSON.parse(charges[1]!.body)).toEqual({ order: 'o-9' });
    expect(charges[0]!.key).toBeDefined();
    expect(charges[0]!.key).toBe(charges[1]!.key);
  });

  it('does not retry a 404', async () => {
    const def = definition({ tasks: [{ id: 'get', type: 'basic', tool: 'http', with: { url: `${base}/missing` }, retry: fastRetry }] });
    const handle = await startExecution(env.t.client, env.w.taskQueue, def);
    await expect(handle.result()).rejects.toThrow(WorkflowFailedError);
    const ctx = await handle.query(taskContextQuery, 'get');
    expect(ctx?.error).toMatchObject({ type: 'HttpError', non_retryable: true, details: { status: 404, body: { error: 'nope' } } });
    expect(ctx?.attempts).toBe(1);
  });
});

async function waitForStatus(
  handle: Awaited<ReturnType<typeof startExecution>>,
  predicate: (s: StatusView) => boolean,
): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const status = await handle.query(statusQuery);
    if (predicate(status)) return;
    if (Date.now() > deadline) throw new Error(`status never matched: ${JSON.stringify(status)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
