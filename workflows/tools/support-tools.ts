/**
 * The tools of `workflows/support-triage.yaml`: an order lookup and a refund, both in memory (a real
 * deployment calls its order and payment systems, passing `ctx.idempotency_key` on).
 * Load with `CADENZA_TOOLS=workflows/tools/support-tools.ts`.
 */
import { z } from 'zod';
import { defineTool, type Tool } from '../../src/activities/tools/tool';

const orders = new Map([
  ['A-100', { order_id: 'A-100', status: 'delivered', amount: 40, charges: 2 }],
  ['A-200', { order_id: 'A-200', status: 'shipped', amount: 15, charges: 1 }],
]);
/** Refunds made, by idempotency key: the same key refunds once. */
const refunds = new Map<string, { order_id: string; amount: number }>();

export const lookupOrderTool = defineTool({
  id: 'lookup-order',
  description: 'Looks an order up by id: status, amount, how many times it was charged.',
  input: z.object({ order_id: z.string().min(1) }),
  run: (input) => Promise.resolve(orders.get(input.order_id) ?? { order_id: input.order_id, found: false }),
});

export const refundTool = defineTool({
  id: 'refund',
  description: 'Refunds an amount of an order to the customer.',
  input: z.object({ order_id: z.string().min(1), amount: z.number().positive(), reason: z.string().optional() }),
  run(input, ctx) {
    const done = refunds.get(ctx.idempotency_key) ?? { order_id: input.order_id, amount: input.amount };
    refunds.set(ctx.idempotency_key, done);
    return Promise.resolve({ refunded: done.amount, order_id: done.order_id, refund_id: ctx.idempotency_key });
  },
});

export const tools: Tool[] = [lookupOrderTool, refundTool] as Tool[];
