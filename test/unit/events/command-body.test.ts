import { headers as natsHeaders } from '@nats-io/transport-node';
import { checkSubjectIds, headerValues, idempotencyKeyOf, parseCommandBody } from '../../../src/events/command-body';
import { encodeReply } from '../../../src/events/command-reply';
import { CommandName } from '../../../src/events/subjects';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

function problemOf(fn: () => unknown): { slug: string; status: number; extensions: Record<string, unknown> } {
  try {
    fn();
  } catch (error) {
    return error as { slug: string; status: number; extensions: Record<string, unknown> };
  }
  throw new Error('expected a problem');
}

describe('parseCommandBody', () => {
  it('takes an object; an empty message or null is {}', () => {
    expect(parseCommandBody(bytes('{"reason":"x"}'))).toEqual({ reason: 'x' });
    expect(parseCommandBody(bytes(''))).toEqual({});
    expect(parseCommandBody(bytes(' null '))).toEqual({});
  });

  it('refuses what REST refuses: invalid UTF-8, nesting too deep, __proto__, 1e999, a non-object', () => {
    expect(problemOf(() => parseCommandBody(new Uint8Array([0x7b, 0xff, 0x7d])))).toMatchObject({ slug: 'malformed_body' });
    expect(problemOf(() => parseCommandBody(bytes(`{"input":${'['.repeat(10_000)}${']'.repeat(10_000)}}`)))).toMatchObject({ slug: 'body_too_deep' });
    expect(problemOf(() => parseCommandBody(bytes('{"context":{"__proto__":{"x":1}}}')))).toMatchObject({ extensions: { errors: [{ path: 'body.context.__proto__' }] } });
    expect(problemOf(() => parseCommandBody(bytes('{"input":{"n":1e999}}')))).toMatchObject({ extensions: { errors: [{ path: 'body.input.n' }] } });
    expect(problemOf(() => parseCommandBody(bytes('["a"]')))).toMatchObject({ slug: 'validation_error' });
  });
});

describe('headers', () => {
  it('are found whatever the case of their names', () => {
    const h = natsHeaders();
    h.set('idempotency-key', 'order-1');
    h.set('AUTHORIZATION', 'Bearer k');
    expect(idempotencyKeyOf(h)).toBe('order-1');
    expect(headerValues(h, 'Authorization')).toEqual(['Bearer k']);
  });

  it('refuse two different Idempotency-Keys and one REST would refuse', () => {
    const two = natsHeaders();
    two.set('Idempotency-Key', 'a');
    two.set('idempotency-key', 'b');
    expect(problemOf(() => idempotencyKeyOf(two))).toMatchObject({ slug: 'validation_error', extensions: { errors: [{ path: 'headers.idempotency-key' }] } });
    const bad = natsHeaders();
    bad.set('Idempotency-Key', 'ключ');
    expect(problemOf(() => idempotencyKeyOf(bad))).toMatchObject({ slug: 'validation_error' });
  });
});

describe('checkSubjectIds', () => {
  it('refuses a definition id or task_exec_id that cannot be one, as REST refuses such path parameters', () => {
    expect(() => checkSubjectIds({ command: CommandName.Trigger, workflowId: 'order-x' })).not.toThrow();
    expect(problemOf(() => checkSubjectIds({ command: CommandName.Trigger, workflowId: "a\\'b" }))).toMatchObject({ extensions: { errors: [{ path: 'subject.workflow_id' }] } });
    expect(problemOf(() => checkSubjectIds({ command: CommandName.Decide, workflowId: 'order', taskExecId: 'approve' }))).toMatchObject({ extensions: { errors: [{ path: 'subject.task_exec_id' }] } });
  });
});

describe('encodeReply', () => {
  it('keeps a reply within the max payload: large members are dropped and it says truncated', () => {
    const big = { ok: true as const, command: 'resume', result: { execution_id: 'x', dry_run: true, plan: { skips: [{ output: 'x'.repeat(2_000_000) }] } } };
    const text = encodeReply(big, 1_048_576);
    expect(text.length).toBeLessThan(1_048_576);
    expect(JSON.parse(text)).toEqual({ ok: true, command: 'resume', result: { execution_id: 'x', dry_run: true }, truncated: true });
    const small = { ok: true as const, command: 'pause', result: { execution_id: 'x' } };
    expect(encodeReply(small, 1_048_576)).toBe(JSON.stringify(small));
  });
});
