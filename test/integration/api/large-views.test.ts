/**
 * Reads of an execution whose run holds more than Temporal takes in one query answer (4 MiB;
 * docs/design.md §11): ten parallel branches each return 450 KB (under the task output limit). The
 * execution view carries outputs up to its budget and leaves the largest as refs to their journal
 * events; task context and `/events` give every output in full. Before, the view's query failed and
 * the API answered `404 execution_not_found` for an execution that exists.
 */
import { startApiContext, type ApiContext } from './api-context';
import { ExecutionDriver } from './execution-driver';

jest.setTimeout(120_000);

const BRANCHES = 10;
const BYTES = 450_000;

let ctx: ApiContext;
let api: ExecutionDriver;

beforeAll(async () => {
  ctx = await startApiContext();
  api = new ExecutionDriver(ctx.app);
  await api.register({
    id: 'wide-blobs',
    tasks: [
      {
        id: 'fan',
        type: 'parallel',
        branches: Array.from({ length: BRANCHES }, (_, i) => ({ id: `b${i}`, tasks: [{ id: `blob${i}`, type: 'basic', tool: 'blob', with: { bytes: BYTES } }] })),
      },
    ],
    outputs: { length: `{{ size(tasks.blob0.output.data) }}` },
  });
});

afterAll(async () => {
  await ctx?.close();
});

it('the view of an execution holding 9 MB of outputs in one run keeps to its budget; task context gives every output', async () => {
  const id = await api.trigger('wide-blobs');
  await api.waitForStatus(id, 'completed');
  const view = await api.execution(id);
  expect(view.outputs).toEqual({ length: BYTES });
  const blobs = view.tasks.filter((t) => t.task_id.startsWith('blob'));
  expect(blobs).toHaveLength(BRANCHES);
  const inline = blobs.filter((t) => t.output !== null);
  const byRef = blobs.filter((t) => t.output === null);
  // 1 MiB of outputs inline at most: two of 450 KB; the other eight are refs.
  expect(inline).toHaveLength(2);
  for (const t of inline) expect((t.output as { data: string }).data).toHaveLength(BYTES);
  expect(byRef).toHaveLength(BRANCHES - 2);
  // The parallel task's output holds every branch's: the largest of all, so a ref first.
  expect(view.tasks.find((t) => t.task_id === 'fan')).toMatchObject({ output: null, output_ref: { run_id: expect.any(String), seq: expect.any(Number) } });
  expect(JSON.stringify(view).length).toBeLessThan(2 * 1024 * 1024);
  for (const t of byRef) {
    expect(t.output_ref).toEqual({ run_id: expect.any(String), seq: expect.any(Number) });
    const context = await api.taskContext(id, t.task_id);
    expect((context.output as { data: string }).data).toHaveLength(BYTES);
  }
});
