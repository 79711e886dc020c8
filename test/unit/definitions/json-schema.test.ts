import { compileJsonSchema, JsonSchemaError, validateAgainstSchema } from '../../../src/definitions/json-schema';

const orderSchema = {
  type: 'object',
  required: ['orderId', 'amount'],
  additionalProperties: false,
  properties: {
    orderId: { type: 'string' },
    amount: { type: 'number', minimum: 0 },
    email: { type: 'string', format: 'email' },
    lines: { type: 'array', items: { type: 'object', properties: { qty: { type: 'integer' } } } },
  },
};

describe('validateAgainstSchema', () => {
  it('accepts a matching value', () => {
    expect(validateAgainstSchema(orderSchema, { orderId: 'o-1', amount: 10, email: 'a@b.example' })).toEqual({ ok: true });
  });

  it('lists every violation with a readable path', () => {
    const result = validateAgainstSchema(orderSchema, { amount: -1, extra: true, email: 'nope', lines: [{ qty: 1.5 }] });
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.errors).toEqual(
      expect.arrayContaining([
        { path: 'orderId', message: 'is required' },
        { path: 'extra', message: 'is not allowed' },
        { path: 'amount', message: 'must be >= 0' },
        { path: 'email', message: 'must match format "email"' },
        { path: 'lines[0].qty', message: 'must be integer' },
      ]),
    );
  });

  it('reports a wrong root type at the empty path', () => {
    expect(validateAgainstSchema(orderSchema, 'text')).toEqual({ ok: false, errors: [{ path: '', message: 'must be object' }] });
  });

  it('supports draft-07 schemas that say so', () => {
    const schema = { $schema: 'http://json-schema.org/draft-07/schema#', type: 'object', required: ['a'] };
    expect(validateAgainstSchema(schema, {})).toEqual({ ok: false, errors: [{ path: 'a', message: 'is required' }] });
  });
});

describe('compileJsonSchema', () => {
  it('caches validators by schema content', () => {
    expect(compileJsonSchema({ type: 'string' })).toBe(compileJsonSchema({ type: 'string' }));
  });

  it('keeps the 500 most recently used: one in use stays, one left behind is compiled again', () => {
    const used = compileJsonSchema({ type: 'string', minLength: 3 });
    const left = compileJsonSchema({ type: 'string', minLength: 4 });
    for (let i = 0; i < 700; i++) {
      compileJsonSchema({ type: 'integer', minimum: i });
      if (i % 200 === 0) expect(compileJsonSchema({ type: 'string', minLength: 3 })).toBe(used);
    }
    expect(compileJsonSchema({ type: 'string', minLength: 3 })).toBe(used);
    expect(compileJsonSchema({ type: 'string', minLength: 4 })).not.toBe(left);
  });

  it('compiles the same $id twice without conflict', () => {
    compileJsonSchema({ $id: 'https://example.test/a', type: 'string' });
    expect(() => compileJsonSchema({ $id: 'https://example.test/a', type: 'number' })).not.toThrow();
  });

  it.each([
    [{ type: 'objct' }, 'type: must be equal to one of the allowed values'],
    [{ type: 'object', requried: ['a'] }, 'strict mode: unknown keyword: "requried"'],
    [{ type: 'string', format: 'emial' }, 'unknown format "emial"'],
    [{ $ref: '#/$defs/missing' }, "can't resolve reference #/$defs/missing"],
  ])('rejects invalid schema %j', (schema, message) => {
    expect(() => compileJsonSchema(schema)).toThrow(JsonSchemaError);
    expect(() => compileJsonSchema(schema)).toThrow(message);
  });
});
