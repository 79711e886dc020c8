/**
 * The approval inbox follows the gates (docs/design.md §3): an approval whose branch `fail_fast`
 * cancelled leaves the inbox; after a retry of the parallel task the inbox offers the live approval,
 * a decision through REST reaches it, the execution completes, and the inbox is empty. An execution
 * that cannot answer is listed as unavailable and spoils no one's inbox.
 */
import { startTestWorker, waitFor } from '../harness';
import { definition, startExecution } from '../workflow/start-execution';
import { paused } from '../workflow/pause-resume-probes';
import { expectProblem, startApiContext, type ApiContext } from './api-context';
import { ExecutionDriver } from './execution-driver';
import { failFastWithGate } from '../fixtures/fail-fast';

jest.setTimeout(60_000);

const keys = {
  admin: { key: 'admin-key-0123456789abcdef', name: 'ops', permissions: ['*'] },
  alice: { key: 'alice-key-0123456789abcdef', name: 'alice', permissions: ['approvals:decide', 'executions:read'], roles: ['finance'] },
};

let ctx: ApiContext;
let ops: ExecutionDriver;

/** The approval's branch is cancelled by its failing sibling until a resume brings `ok`. */
const failFastApproval = failFastWithGate('fail-fast-inbox', [{ id: 'sign-off', type: 'approval', approvers: { roles: ['finance'] }, message: 'sign it' }]);

type InboxItem = { execution_id: string; task_id: string; task_exec_id: string };

async function inboxOf(id: string): Promise<InboxItem[]> {
  // Only this definition's executions: other test files leave approvals whose workers are gone.
  const res = await ops.get('/api/v1/approvals?status=pending&workflow=fail-fast-inbox', keys.alice.key);
  expect(res.statusCode).toBe(200);
  return res.json<{ items: InboxItem[] }>().items.filter((i) => i.execution_id === id);
}

beforeAll(async () => {
  ctx = await startApiContext({ apiKeys: Object.values(keys), deadlineMs: 1500 });
  ops = new ExecutionDriver(ctx.app, keys.admin.key);
  await ops.register(failFastApproval);
});

afterAll(async () => {
  await ctx?.close();
});

it('drops a cancelled branch’s approval from the inbox and decides the live one after a retry', async () => {
  const id = await ops.trigger('fail-fast-inbox');
  await waitFor(async () => ((await ops.execution(id)).gates.some((g) => g.task_id === 'sign-off') ? true : undefined), { what: 'the first approval open' });

  // The sibling fails: the approval goes with its branch; only fan's failure gate is left.
  await ops.waitForStatus(id, 'paused', (s) => s.pause?.gates.map((g) => g.task_id).join() === 'fan');
  await waitFor(async () => ((await inboxOf(id)).length === 0 ? true : undefined), { what: 'the inbox without the dead approval' });
  const dead = await ops.post(`/api/v1/executions/${id}/approvals/sign-off`, { decision: 'approve' }, { key: keys.alice.key });
  expectProblem(dead, 409, 'approval_not_pending');

  expect((await ops.post(`/api/v1/executions/${id}/resume`, { mode: 'retry', tasks: { fan: {} }, context: { ok: true } })).statusCode).toBe(200);
  const live = await waitFor(async () => {
    const items = await inboxOf(id);
    return items.length === 1 ? items[0] : undefined;
  }, { what: 'the live approval in the inbox' });
  const status = await ops.waitForStatus(id, 'paused', (s) => s.pause?.task_id === 'sign-off');
  expect(live?.task_exec_id).toBe(status.pause?.gates[0]?.task_exec_id);

  const decided = await ops.post(`/api/v1/executions/${id}/approvals/sign-off`, { decision: 'approve', comment: 'fine' }, { key: keys.alice.key });
  expect(decided.statusCode).toBe(200);
  await ops.waitForStatus(id, 'completed');
  const events = await ops.events(id);
  expect(events.filter((e) => e.type === 'ApprovalDecided').map((e) => e.task_exec_id)).toEqual([live?.task_exec_id]);
  await waitFor(async () => ((await inboxOf(id)).length === 0 ? true : undefined), { what: 'an empty inbox' });
});

it('lists an execution whose worker is gone under unavailable, and still serves the others', async () => {
  // An approval on a task queue whose only worker then stops: its gates cannot be read any more.
  const orphanWorker = await startTestWorker();
  const orphan = await startExecution(ctx.t.client, orphanWorker.taskQueue, definition({ id: 'inbox-orphan', tasks: [{ id: 'ok', type: 'approval' }] }));
  await paused(orphan);
  await orphanWorker.shutdown();
  await ops.register({ id: 'inbox-live', tasks: [{ id: 'ok', type: 'approval' }] });
  const live = await ops.trigger('inbox-live');
  await ops.waitForStatus(live, 'paused');

  const page = await waitFor(
    async () => {
      const res = await ops.get('/api/v1/approvals?status=pending', keys.alice.key);
      expect(res.statusCode).toBe(200);
      const body = res.json<{ items: InboxItem[]; unavailable: Array<{ execution_id: string; problem: string }> }>();
      return body.items.some((i) => i.execution_id === live) && body.unavailable.some((u) => u.execution_id === orphan.workflowId) ? body : undefined;
    },
    { what: 'the live approval listed and the orphan unavailable', timeoutMs: 30_000 },
  );
  expect(page.unavailable.find((u) => u.execution_id === orphan.workflowId)?.problem).toBe('worker_unavailable');
  await orphan.terminate('test done');
});
