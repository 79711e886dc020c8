import { DefinitionInvalid, ExecutionClosed, PROBLEM_TYPE_BASE, StreamLimitReached, TemporalUnavailable, Unauthenticated, ValidationFailed, WorkerUnavailable } from '../../../src/errors/problems';

describe('ApiProblem documents', () => {
  it('carry a stable type URI, the standard members and extensions', () => {
    const problem = new DefinitionInvalid([{ path: 'tasks[0].id', message: 'is required' }]);
    expect(problem.toDocument('/api/v1/workflows/x')).toEqual({
      type: `${PROBLEM_TYPE_BASE}definition_invalid`,
      title: 'Invalid workflow definition',
      status: 422,
      detail: 'tasks[0].id: is required',
      instance: '/api/v1/workflows/x',
      issues: [{ path: 'tasks[0].id', message: 'is required' }],
    });
  });

  it('never let an extension override a standard member', () => {
    const doc = new ExecutionClosed('orders-1', 'completed').toDocument();
    expect(doc.status).toBe(409);
    expect(doc.execution_status).toBe('completed');
  });

  it('summarise long issue lists in the detail', () => {
    const issues = [1, 2, 3, 4, 5].map((n) => ({ path: `p${n}`, message: 'bad' }));
    expect(new ValidationFailed(issues).detail).toBe('p1: bad; p2: bad; p3: bad (and 2 more)');
  });

  it('list at most 100 issues, each cut at 500 characters, and count the rest in the detail', () => {
    const issues = Array.from({ length: 5000 }, (_, n) => ({ path: `body.k${n}`, message: 'x'.repeat(10_000) }));
    const problem = new ValidationFailed(issues);
    const listed = problem.extensions.errors as Array<{ path: string; message: string }>;
    expect(listed).toHaveLength(100);
    expect(listed[0]!.message.length).toBeLessThanOrEqual(503);
    expect(problem.detail).toMatch(/\(and 4997 more\)$/);
    expect(problem.detail.length).toBeLessThan(2000);
    expect((new DefinitionInvalid(issues).extensions.issues as unknown[]).length).toBe(100);
  });

  it('carry a retry hint on 503s, and only there', () => {
    expect(new WorkerUnavailable('none').retryAfterSeconds).toBe(5);
    expect(new TemporalUnavailable('down').retryAfterSeconds).toBe(5);
    expect(new StreamLimitReached(3).retryAfterSeconds).toBe(5);
    expect(new Unauthenticated('no key').retryAfterSeconds).toBeUndefined();
  });

  it('know no transport: no HTTP headers in the document or on the problem', () => {
    const problem = new Unauthenticated('no key');
    expect(Object.keys(problem)).not.toContain('headers');
    expect(problem.toDocument()).toEqual({ type: `${PROBLEM_TYPE_BASE}unauthenticated`, title: 'Authentication required', status: 401, detail: 'no key' });
  });
});
