/**
 * Size limits end to end (docs/design.md §11), on the real dev server with the default limits: a 5 MB
 * HTTP response and an output over the task output limit fail their task with a clear error and the
 * execution stays repairable (a skip with a small output completes it); 150 KB outputs pass; inputs
 * the interpreter or the worker cannot send fail their task instead of a workflow task; REST answers
 * 413 with a problem type for a too-large trigger input, resume data, decision data, repair output and
 * signal; a signal too large for the API sent straight to Temporal is journaled as refused.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ExecutionCommandService } from '../../../src/executions/command-service';
import type { ApiProblem } from '../../../src/errors/problems';
import { waitFor } from '../harness';
import { shippingWait } from '../fixtures/edge-definitions';
import { expectProblem, startApiContext, type ApiContext } from './api-context';
import { ExecutionDriver } from './execution-driver';

jest.setTimeout(120_000);

const MiB = 1024 * 1024;
const OUTPUT_LIMIT = 524_288;

let ctx: ApiContext;
let api: ExecutionDriver;
let http: Server;
let base: string;

const url = (id: string, path: string) => `/api/v1/executions/${id}/${path}`;

beforeAll(async () => {
  http = createServer((req, res) => {
    res.on('error', () => undefined);
    const body = Buffer.alloc(5 * MiB, 'a');
    if (req.url === '/five-mb') return void res.writeHead(200, { 'content-type': 'text/plain', 'content-length': String(body.length) }).end(body);
    if (req.url === '/five-mb-chunked') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      for (let i = 0; i < 5; i++) res.write(body.subarray(i * MiB, (i + 1) * MiB));
      return void res.end();
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  ctx = await startApiContext();
  api = new ExecutionDriver(ctx.app);
  await api.register({ id: 'fetch-big', config: { on_task_failure: 'pause' }, tasks: [{ id: 'fetch', type: 'basic', tool: 'http', with: { url: '{{ input.url }}' } }], outputs: { status: '{{ tasks.fetch.output.status }}' } });
  await api.register({ id: 'blob-out', config: { on_task_failure: 'pause' }, tasks: [{ id: 'make', type: 'basic', tool: 'blob', with: { bytes: '{{ input.bytes }}' } }], outputs: { length: '{{ size(tasks.make.output.data) }}' } });
  // Each task input repeats the trigger input: two or four times 400 KB.
  await api.register({ id: 'double-input', config: { on_task_failure: 'pause' }, tasks: [{ id: 'use', type: 'basic', tool: 'record', with: { a: '{{ input.s }}', b: '{{ input.s }}' } }] });
  await api.register({
    id: 'quad-input',
    config: { on_task_failure: 'pause' },
    tasks: [{ id: 'use', type: 'basic', tool: 'record', with: { a: '{{ input.s }}', b: '{{ input.s }}', c: '{{ input.s }}', d: '{{ input.s }}' } }],
  });
  await api.register(shippingWait('ship-size'));
  await api.register({ id: 'approve-size', tasks: [{ id: 'approve', type: 'approval' }] });
});

afterAll(async () => {
  await ctx?.close();
  await new Promise((resolve) => http?.close(resolve));
});

async function failedTask(id: string, taskId: string) {
  await api.waitForStatus(id, 'paused', (s) => s.pause?.reason === 'task_failed' && s.pause.task_id === taskId);
  return (await api.taskContext(id, taskId)).error;
}

async function skipAndComplete(id: string, taskId: string, output: unknown): Promise<Record<string, unknown> | null> {
  const skip = await api.post(url(id, 'resume'), { mode: 'skip', tasks: { [taskId]: { output } } });
  expect(skip.statusCode).toBe(200);
  await api.waitForStatus(id, 'completed');
  return (await api.execution(id)).outputs;
}

describe('task outputs', () => {
  it('a 5 MB HTTP response fails the task with its size and the cap; a skip with a small output completes the execution', async () => {
    const id = await api.trigger('fetch-big', { url: `${base}/five-mb` });
    const error = await failedTask(id, 'fetch');
    expect(error).toMatchObject({ type: 'HttpResponseTooLarge', non_retryable: true, details: { limit: OUTPUT_LIMIT, size: 5 * MiB } });
    expect(error?.message).toBe(`GET ${base}/five-mb: the response body is ${5 * MiB} bytes, more than ${OUTPUT_LIMIT} (CADENZA_HTTP_MAX_RESPONSE_BYTES=${OUTPUT_LIMIT})`);
    expect(await skipAndComplete(id, 'fetch', { status: 200, headers: {}, body: 'small' })).toEqual({ status: 200 });
  });

  it('a 5 MB chunked response (no Content-Length) is cut off at the cap', async () => {
    const id = await api.trigger('fetch-big', { url: `${base}/five-mb-chunked` });
    const error = await failedTask(id, 'fetch');
    expect(error).toMatchObject({ type: 'HttpResponseTooLarge', details: { limit: OUTPUT_LIMIT, size: null } });
    expect(error?.message).toContain(`more than ${OUTPUT_LIMIT} bytes`);
  });

  it('an output over CADENZA_MAX_TASK_OUTPUT_BYTES fails with output_too_large and its size; the execution stays repairable', async () => {
    const id = await api.trigger('blob-out', { bytes: 600_000 });
    const error = await failedTask(id, 'make');
    expect(error).toMatchObject({ type: 'output_too_large', non_retryable: true, details: { limit_bytes: OUTPUT_LIMIT, limit: 'CADENZA_MAX_TASK_OUTPUT_BYTES' } });
    const size = (error?.details as { size_bytes: number }).size_bytes;
    expect(size).toBeGreaterThan(600_000);
    expect(size).toBeLessThan(600_100);
    expect(error?.message).toContain(`is ${size} bytes of JSON, more than the task output limit of ${OUTPUT_LIMIT}`);
    const events = await api.events(id);
    expect(events.find((e) => e.type === 'TaskExecutionFailed')?.data).toMatchObject({ error: { type: 'output_too_large' } });
    expect(await skipAndComplete(id, 'make', { data: 'small' })).toEqual({ length: 5 });
  });

  it('a 150 KB output passes', async () => {
    const id = await api.trigger('blob-out', { bytes: 150_000 });
    await api.waitForStatus(id, 'completed');
    expect((await api.execution(id)).outputs).toEqual({ length: 150_000 });
  });
});

describe('task inputs', () => {
  const part = 'y'.repeat(400_000);

  it('an input over CADENZA_MAX_TASK_INPUT_BYTES fails in the worker with input_too_large; a retry with a smaller input completes', async () => {
    const id = await api.trigger('double-input', { s: part });
    const error = await failedTask(id, 'use');
    expect(error).toMatchObject({ type: 'input_too_large', non_retryable: true, details: { limit_bytes: 524_288, limit: 'CADENZA_MAX_TASK_INPUT_BYTES' } });
    const retry = await api.post(url(id, 'resume'), { mode: 'retry', tasks: { use: { input: { a: 'small' } } } });
    expect(retry.statusCode).toBe(200);
    await api.waitForStatus(id, 'completed');
  });

  it('an input too large to schedule at all fails its task in the workflow, never a workflow task', async () => {
    const id = await api.trigger('quad-input', { s: part });
    const error = await failedTask(id, 'use');
    expect(error).toMatchObject({ type: 'input_too_large', details: { limit_bytes: 1_572_864, limit: 'WORKFLOW_MAX_TASK_INPUT_BYTES' } });
    expect((error?.details as { size_bytes: number }).size_bytes).toBeGreaterThan(1_600_000);
    const history = await ctx.t.client.workflow.getHandle(id).fetchHistory();
    expect(history.events?.filter((e) => e.workflowTaskFailedEventAttributes != null)).toEqual([]);
  });
});

describe('REST 413 for data over the limits', () => {
  it('trigger input over CADENZA_MAX_INPUT_BYTES', async () => {
    const res = await api.post('/api/v1/workflows/blob-out/executions', { input: { pad: 'z'.repeat(600_000) } });
    const problem = expectProblem(res, 413, 'input_too_large');
    expect(problem).toMatchObject({ path: 'body.input', limit_bytes: 524_288, limit: 'CADENZA_MAX_INPUT_BYTES', workflow_id: 'blob-out' });
    expect(problem.size_bytes).toBe(600_010);
  });

  it('resume data, a signal payload and a skip output over CADENZA_MAX_COMMAND_DATA_BYTES; the execution keeps waiting', async () => {
    const id = await api.trigger('ship-size');
    await api.waitForStatus(id, 'paused', (s) => s.pause?.reason === 'waiting_for_signal');
    const big = { carrier: 'c'.repeat(300_000) };
    const resume = expectProblem(await api.post(url(id, 'tasks/ship/resume'), { resume_data: big }), 413, 'command_data_too_large');
    expect(resume).toMatchObject({ path: 'body.resume_data', limit_bytes: 262_144, limit: 'CADENZA_MAX_COMMAND_DATA_BYTES', command: 'taskResume', execution_id: id });
    expect(expectProblem(await api.post(url(id, 'signals/shipped'), { payload: big }), 413, 'command_data_too_large')).toMatchObject({ path: 'body.payload', command: 'signal' });
    expect(expectProblem(await api.post(url(id, 'resume'), { mode: 'skip', tasks: { ship: { output: big } } }), 413, 'command_data_too_large')).toMatchObject({ path: 'body.tasks.ship.output' });
    // A 3 MB body never reaches a route: the body limit answers first.
    const huge = await api.post(url(id, 'signals/shipped'), { payload: 'h'.repeat(3 * MiB) });
    expect(expectProblem(huge, 413, 'payload_too_large').limit_bytes).toBe(MiB);
    expect((await api.status(id)).status).toBe('paused');
    expect((await api.post(url(id, 'tasks/ship/resume'), { resume_data: { carrier: 'ups' } })).statusCode).toBe(200);
    await api.waitForStatus(id, 'completed');
  });

  it('decision data', async () => {
    const id = await api.trigger('approve-size');
    await api.waitForStatus(id, 'paused', (s) => s.pause?.reason === 'approval_required');
    const res = await api.post(url(id, 'approvals/approve'), { decision: 'approve', data: { note: 'n'.repeat(300_000) } });
    expect(expectProblem(res, 413, 'command_data_too_large')).toMatchObject({ path: 'body.data', command: 'decide' });
  });
});

describe('payloads Temporal refuses, and the workflow refuses', () => {
  it('a 3 MB signal sent through the service without its own limit is Temporal\'s 413, not a 500', async () => {
    const id = await api.trigger('ship-size');
    await api.waitForStatus(id, 'paused');
    const unbounded = new ExecutionCommandService({ client: ctx.t.client, maxCommandDataBytes: Number.MAX_SAFE_INTEGER });
    const refused = await unbounded.signal(id, 'shipped', { carrier: 'x'.repeat(3 * MiB) }).then(
      () => undefined,
      (error: unknown) => error as ApiProblem,
    );
    expect(refused).toMatchObject({ status: 413, slug: 'temporal_payload_too_large', extensions: { execution_id: id, command: 'signal', temporal_limit: 'temporal_payload_too_large' } });
    expect(refused?.detail).toMatch(/^Temporal: Blob data size exceeds limit/);
  });

  it('a signal over the workflow\'s own bound (as the Temporal CLI can send) is journaled as refused; the task keeps waiting', async () => {
    const id = await api.trigger('ship-size');
    await api.waitForStatus(id, 'paused');
    const handle = ctx.t.client.workflow.getHandle(id);
    await handle.signal('shipped', { carrier: 's'.repeat(1_100_000) });
    await handle.signal('taskResume', { task_id: 'ship', resume_data: { carrier: 'r'.repeat(1_100_000) }, actor: 'cli' });
    const rejected = await waitFor(async () => {
      const found = (await api.events(id)).filter((e) => e.type === 'CommandRejected');
      return found.length === 2 ? found : undefined;
    }, { what: 'two CommandRejected' });
    expect(rejected.map((e) => e.data)).toEqual([
      expect.objectContaining({ command: 'shipped', type: 'command_data_too_large', path: 'payload', limit_bytes: 1_048_576, payload: expect.objectContaining({ omitted: true }) }),
      expect.objectContaining({ command: 'taskResume', type: 'command_data_too_large', path: 'resume_data', limit_bytes: 1_048_576 }),
    ]);
    expect((rejected[0]?.data as { size_bytes: number }).size_bytes).toBe(1_100_014);
    expect((await api.status(id)).pause?.task_id).toBe('ship');
    await handle.signal('shipped', { carrier: 'ups' });
    await api.waitForStatus(id, 'completed');
  });
});
