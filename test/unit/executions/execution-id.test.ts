import { idempotentExecutionId, isExecutionId, newExecutionId } from '../../../src/executions/execution-id';

describe('execution ids', () => {
  it('are <definitionId>-<uuid> and recognised as execution ids', () => {
    const id = newExecutionId('order-approval');
    expect(id).toMatch(/^order-approval-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(isExecutionId(id)).toBe(true);
    expect(newExecutionId('order-approval')).not.toBe(id);
  });

  it('derive a stable UUID v5 from definition id and idempotency key', () => {
    const id = idempotentExecutionId('orders', 'key-1');
    expect(id).toBe(idempotentExecutionId('orders', 'key-1'));
    expect(id).toMatch(/^orders-[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(idempotentExecutionId('orders', 'key-2')).not.toBe(id);
    expect(idempotentExecutionId('invoices', 'key-1').endsWith(id.slice('orders-'.length))).toBe(false);
    expect(isExecutionId(id)).toBe(true);
  });

  it('reject anything without the uuid suffix', () => {
    for (const id of ['cadenza-registry', 'orders', 'orders-123', 'Orders-00000000-0000-4000-8000-000000000000', '']) {
      expect(isExecutionId(id)).toBe(false);
    }
  });
});
