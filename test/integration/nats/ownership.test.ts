/**
 * A NATS command's execution belongs to its definition by the execution's CadenzaWorkflowId search
 * attribute, not by the id's prefix: with definitions `order` and `order-x`, an execution id
 * `order-x-<uuid>` starts with `order-`, yet `order` must not be able to address it, nor `order-x`
 * an execution of `order`, through the subject, `execution_id` in the body, or a task execution.
 */
import type { StatusView } from '../../../src/workflows/contracts';
import { statusQuery } from '../../../src/workflows/messages';
import { waitFor } from '../harness';
import { type CommandHarness, startCommandHarness, type WireReply } from './command-harness';

jest.setTimeout(60_000);

const approvalDefinition = (id: string) => ({
  id,
  version: 1,
  tasks: [{ id: 'approve', type: 'approval', on_approve: { next: 'done' } }, { id: 'done', type: 'basic', tool: 'echo', with: { by: id } }],
});

let h: CommandHarness;

beforeAll(async () => {
  h = await startCommandHarness([approvalDefinition('order'), approvalDefinition('order-x')]);
});

afterAll(async () => {
  await h?.close();
});

async function waitingApproval(workflowId: string): Promise<{ executionId: string; taskExecId: string }> {
  const { reply } = await h.command(`commands.workflow.${workflowId}.trigger`, {});
  if (!reply?.ok) throw new Error(`trigger: ${JSON.stringify(reply)}`);
  const executionId = (reply.result as { execution_id: string }).execution_id;
  const status = await waitFor(async () => {
    const s: StatusView = await h.t.client.workflow.getHandle(executionId).query(statusQuery);
    return s.pause?.reason === 'approval_required' && s;
  }, { what: `${executionId} waiting for its approval` });
  return { executionId, taskExecId: status.pause!.gates[0]!.task_exec_id! };
}

function expectNotFound(answer: WireReply, slug: 'execution_not_found' | 'task_not_found'): void {
  expect(answer.status).toBe(404);
  expect(answer.reply).toMatchObject({ ok: false, problem: { type: `https://cadenza.dev/problems/${slug}`, status: 404 } });
}

it('keeps order and order-x apart, although order-x-<uuid> starts with "order-"', async () => {
  const order = await waitingApproval('order');
  const orderX = await waitingApproval('order-x');
  expect(orderX.executionId.startsWith('order-')).toBe(true);

  // order cannot reach order-x's execution: in the subject, in the body, or by its task execution.
  expectNotFound(await h.command(`commands.workflow.order.pause.${orderX.executionId}`, {}), 'execution_not_found');
  expectNotFound(await h.command('commands.workflow.order.resume', { execution_id: orderX.executionId, dry_run: true }), 'execution_not_found');
  expectNotFound(await h.command(`commands.workflow.order.cancel.${orderX.executionId}`, {}), 'execution_not_found');
  expectNotFound(await h.command(`commands.task.order.decide.${orderX.taskExecId}`, { decision: 'approve' }), 'task_not_found');
  expectNotFound(await h.command(`commands.task.order.decide.${orderX.taskExecId}`, { decision: 'approve', execution_id: orderX.executionId }), 'execution_not_found');
  // Nor the other way round.
  expectNotFound(await h.command(`commands.workflow.order-x.pause.${order.executionId}`, {}), 'execution_not_found');
  expectNotFound(await h.command(`commands.task.order-x.decide.${order.taskExecId}`, { decision: 'approve' }), 'task_not_found');

  // Nothing of the above touched either execution; each one's own commands work.
  for (const { executionId } of [order, orderX]) {
    const s = await h.t.client.workflow.getHandle(executionId).query(statusQuery);
    expect(s).toMatchObject({ status: 'paused', pause: { reason: 'approval_required' } });
  }
  const decidedX = await h.command(`commands.task.order-x.decide.${orderX.taskExecId}`, { decision: 'approve' });
  expect(decidedX.reply).toMatchObject({ ok: true, result: { execution_id: orderX.executionId } });
  const decided = await h.command(`commands.task.order.decide.${order.taskExecId}`, { decision: 'approve', execution_id: order.executionId });
  expect(decided.reply).toMatchObject({ ok: true, result: { execution_id: order.executionId } });
  for (const { executionId } of [order, orderX]) expect((await h.t.client.workflow.getHandle(executionId).result()).status).toBe('completed');
});
