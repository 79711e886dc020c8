import {
  compileExpression,
  evaluateExpression,
  ExpressionError,
  PreparedScope,
} from '../../../src/definitions/expressions';

function expressionError(run: () => unknown): ExpressionError {
  try {
    run();
  } catch (error) {
    if (error instanceof ExpressionError) return error;
    throw error;
  }
  throw new Error('expected an ExpressionError');
}

describe('evaluateExpression', () => {
  it('treats integral JSON numbers as CEL ints and returns numbers', () => {
    expect(evaluateExpression('input.count + 1', { input: { count: 5 } })).toBe(6);
    expect(evaluateExpression('input.count / 2', { input: { count: 5 } })).toBe(2);
    expect(evaluateExpression('size(input.items) * 10', { input: { items: [1, 2, 3] } })).toBe(30);
  });

  it('keeps doubles, and allows mixed int/double arithmetic', () => {
    expect(evaluateExpression('input.amount * 2', { input: { amount: 1.5 } })).toBe(3);
    expect(evaluateExpression('input.amount + 0.5', { input: { amount: 2 } })).toBe(2.5);
    expect(evaluateExpression('input.amount / 4', { input: { amount: 5.0 } })).toBe(1);
    expect(evaluateExpression('input.amount > 1000', { input: { amount: 1000.5 } })).toBe(true);
  });

  it('reads every scope root, with task ids that need brackets', () => {
    const scope = {
      input: { orderId: 'o-1' },
      tasks: { charge: { output: { id: 'ch_1' }, status: 'succeeded' }, 'wait-shipping': { output: { carrier: 'ups' } } },
      execution: { id: 'exec-1' },
      signal: { payload: { carrier: 'dhl' } },
      resume: { approved: true },
      env: { PAYMENTS_URL: 'https://pay.example' },
    };
    expect(evaluateExpression('tasks.charge.output.id', scope)).toBe('ch_1');
    expect(evaluateExpression('tasks["wait-shipping"].output.carrier', scope)).toBe('ups');
    expect(evaluateExpression('signal.payload.carrier != ""', scope)).toBe(true);
    expect(evaluateExpression('env.PAYMENTS_URL + "/charge/" + input.orderId', scope)).toBe('https://pay.example/charge/o-1');
    expect(evaluateExpression('resume.approved && execution.id == "exec-1"', scope)).toBe(true);
  });

  it('reads absent roots as null', () => {
    expect(evaluateExpression('resume == null', { input: {} })).toBe(true);
  });

  it('returns lists and maps as plain JSON', () => {
    expect(evaluateExpression('input.items.map(i, i.qty * 2)', { input: { items: [{ qty: 1 }, { qty: 4 }] } })).toEqual([2, 8]);
    expect(evaluateExpression('{"total": input.a + input.b, "tags": ["x", 1]}', { input: { a: 1, b: 2 } })).toEqual({ total: 3, tags: ['x', 1] });
  });

  it('supports has() for optional keys', () => {
    expect(evaluateExpression('has(input.discount) ? input.discount : 0', { input: {} })).toBe(0);
    expect(evaluateExpression('has(input.discount) ? input.discount : 0', { input: { discount: 7 } })).toBe(7);
  });

  it('reports a missing key with the expression and column', () => {
    const error = expressionError(() => evaluateExpression('input.orderId', { input: {} }));
    expect(error.phase).toBe('evaluate');
    expect(error.reason).toBe('No such key: orderId');
    expect(error.location).toEqual({ line: 1, column: 7 });
    expect(error.message).toBe('cannot evaluate "input.orderId": No such key: orderId (column 7)');
  });

  it('reports type errors at evaluation time', () => {
    const error = expressionError(() => evaluateExpression('"id-" + input.n', { input: { n: 1 } }));
    expect(error.message).toContain('no such overload: string + dyn<int>');
  });

  it('reports results that are not JSON', () => {
    expect(() => evaluateExpression('1.0 / 0.0', {})).toThrow('cannot evaluate "1.0 / 0.0": result Infinity cannot be represented in JSON');
  });

  it('evaluates against a prepared scope', () => {
    const scope = new PreparedScope({ input: { a: 2 } });
    expect(evaluateExpression('input.a * input.a', scope)).toBe(4);
    expect(evaluateExpression('input.a - 3', scope)).toBe(-1);
  });
});

describe('compileExpression', () => {
  it('reports syntax errors on one line with the column', () => {
    const error = expressionError(() => compileExpression('input.amount >'));
    expect(error.phase).toBe('compile');
    expect(error.message).toBe('invalid expression "input.amount >": Unexpected token: EOF (column 15)');
    expect(error.message).not.toContain('\n');
  });

  it('gives line and column for multi-line expressions', () => {
    const error = expressionError(() => compileExpression('input.a &&\n  (input.b ||'));
    expect(error.location).toEqual({ line: 2, column: 14 });
    expect(error.message).toContain('(line 2, column 14)');
    expect(error.message).toContain('"input.a && (input.b ||"');
  });

  it('rejects unknown functions and empty expressions before evaluation', () => {
    expect(() => compileExpression('lookup(input.id)')).toThrow("found no matching overload for 'lookup(dyn)'");
    expect(() => compileExpression('   ')).toThrow('expression is empty');
  });

  it('lists the free variables and task ids an expression reads', () => {
    const compiled = compileExpression(
      'tasks.charge.output.id + tasks["wait-shipping"].status + input.items.map(i, i.name + env.X).join(",") + cel.bind(t, signal.a, t)',
    );
    expect(compiled.references.map((r) => [r.root, r.taskId])).toEqual([
      ['tasks', 'charge'],
      ['tasks', 'wait-shipping'],
      ['input', undefined],
      ['env', undefined],
      ['signal', undefined],
    ]);
  });

  it('caches compiled expressions by source', () => {
    expect(compileExpression('input.x + 1')).toBe(compileExpression('input.x + 1'));
  });

  it('keeps the 1000 most recently used: one in use stays, one left behind is compiled again', () => {
    const used = compileExpression('input.kept * 2');
    const left = compileExpression('input.left * 2');
    for (let i = 0; i < 1500; i++) {
      compileExpression(`input.n + ${i}`);
      if (i % 500 === 0) expect(compileExpression('input.kept * 2')).toBe(used);
    }
    expect(compileExpression('input.kept * 2')).toBe(used);
    expect(compileExpression('input.left * 2')).not.toBe(left);
  });
});
