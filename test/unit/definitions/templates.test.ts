import { findTemplateExpressions, renderTemplate, TemplateError } from '../../../src/definitions/templates';

const scope = {
  input: { orderId: 'o-7', amount: 1250, rate: 0.2, tags: ['a', 'b'], customer: { name: 'Ada' }, note: null },
  tasks: { charge: { output: { id: 'ch_9' }, status: 'succeeded' }, 'wait-shipping': { output: { carrier: 'ups' } } },
  env: { PAYMENTS_URL: 'https://pay.example' },
};

function templateError(run: () => unknown): TemplateError {
  try {
    run();
  } catch (error) {
    if (error instanceof TemplateError) return error;
    throw error;
  }
  throw new Error('expected a TemplateError');
}

describe('renderTemplate', () => {
  it('keeps the type of a string that is exactly one template', () => {
    expect(renderTemplate('{{ input.amount }}', scope)).toBe(1250);
    expect(renderTemplate('{{input.rate}}', scope)).toBe(0.2);
    expect(renderTemplate('{{ input.amount > 1000 }}', scope)).toBe(true);
    expect(renderTemplate('{{ input.tags }}', scope)).toEqual(['a', 'b']);
    expect(renderTemplate('{{ input.customer }}', scope)).toEqual({ name: 'Ada' });
    expect(renderTemplate('{{ input.note }}', scope)).toBeNull();
  });

  it('interpolates templates inside text, objects as JSON', () => {
    expect(renderTemplate('{{ env.PAYMENTS_URL }}/charge', scope)).toBe('https://pay.example/charge');
    expect(renderTemplate('order {{ input.orderId }} for {{ input.amount }}', scope)).toBe('order o-7 for 1250');
    expect(renderTemplate('customer={{ input.customer }} tags={{ input.tags }}', scope)).toBe('customer={"name":"Ada"} tags=["a","b"]');
    expect(renderTemplate('note: {{ input.note }}', scope)).toBe('note: null');
  });

  it('walks nested objects and arrays and leaves other values alone', () => {
    const value = {
      method: 'POST',
      url: '{{ env.PAYMENTS_URL }}/charge',
      retries: 3,
      body: { order: '{{ input.orderId }}', lines: ['{{ input.amount }}', 'fixed', { carrier: '{{ tasks["wait-shipping"].output.carrier }}' }] },
      flag: false,
      nothing: null,
    };
    expect(renderTemplate(value, scope)).toEqual({
      method: 'POST',
      url: 'https://pay.example/charge',
      retries: 3,
      body: { order: 'o-7', lines: [1250, 'fixed', { carrier: 'ups' }] },
      flag: false,
      nothing: null,
    });
  });

  it('finds the closing braces outside strings and map literals', () => {
    expect(renderTemplate('{{ {"a": {"b": input.amount}} }}', scope)).toEqual({ a: { b: 1250 } });
    expect(renderTemplate('{{ "}}" + input.orderId }}', scope)).toBe('}}o-7');
    expect(renderTemplate("{{ '{{' }}", scope)).toBe('{{');
  });

  it('leaves text without templates unchanged', () => {
    expect(renderTemplate('plain } and { text', scope)).toBe('plain } and { text');
    expect(renderTemplate('', scope)).toBe('');
  });

  it('names the path and expression of a failing template', () => {
    const error = templateError(() => renderTemplate({ body: { order: '{{ input.orderID }}' } }, scope, 'with'));
    expect(error.path).toBe('with.body.order');
    expect(error.expression).toBe('input.orderID');
    expect(error.message).toBe('with.body.order: cannot evaluate "input.orderID": No such key: orderID (column 7)');
  });

  it('formats array indexes and non-identifier keys in paths', () => {
    const error = templateError(() => renderTemplate({ 'x-headers': ['ok', 'id {{ input.missing }}'] }, scope, 'with'));
    expect(error.path).toBe('with["x-headers"][1]');
  });

  it('rejects malformed templates', () => {
    expect(() => renderTemplate({ url: '{{ input.orderId' }, scope, 'with')).toThrow('with.url: unterminated template: "{{" at offset 0 has no matching "}}"');
    expect(() => renderTemplate('a {{ }} b', scope)).toThrow('empty template');
    expect(() => renderTemplate('{{ input. }}', scope)).toThrow('invalid expression "input."');
  });
});

describe('findTemplateExpressions', () => {
  it('lists every expression with its path', () => {
    const value = { url: '{{ env.A }}/x/{{ input.id }}', body: [{ a: '{{ tasks.charge.output }}' }, 'plain', 42] };
    expect(findTemplateExpressions(value, 'with')).toEqual([
      { path: 'with.url', expression: 'env.A' },
      { path: 'with.url', expression: 'input.id' },
      { path: 'with.body[0].a', expression: 'tasks.charge.output' },
    ]);
  });

  it('does not evaluate or compile anything', () => {
    expect(findTemplateExpressions('{{ not valid cel ( }}')).toEqual([{ path: '', expression: 'not valid cel (' }]);
    expect(findTemplateExpressions(undefined)).toEqual([]);
  });

  it('throws a TemplateError with the path for an unterminated template', () => {
    const error = templateError(() => findTemplateExpressions({ a: { b: 'x {{ y' } }, 'outputs'));
    expect(error.path).toBe('outputs.a.b');
  });
});
