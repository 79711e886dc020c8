import type { FastifyRequest } from 'fastify';
import { toProblem } from '../../../src/api/error-handler';
import { ApiProblem, DefinitionInvalid, ExecutionClosed, PROBLEM_TYPE_BASE, ValidationFailed, WorkerUnavailable } from '../../../src/api/errors';
import { parseYamlBody } from '../../../src/api/yaml-body';

const request = { headers: { 'content-type': 'text/plain' } } as unknown as FastifyRequest;

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

  it('carry Retry-After on 503s', () => {
    expect(new WorkerUnavailable('none').headers).toEqual({ 'retry-after': '5' });
  });
});

describe('toProblem', () => {
  it('keeps ApiProblems as they are', () => {
    const problem = new WorkerUnavailable('none');
    expect(toProblem(problem, request, 1024)).toBe(problem);
  });

  it('maps fastify body errors', () => {
    const cases: Array<[Record<string, unknown>, string, number]> = [
      [{ code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE', statusCode: 415 }, 'unsupported_media_type', 415],
      [{ code: 'FST_ERR_CTP_BODY_TOO_LARGE', statusCode: 413 }, 'payload_too_large', 413],
      [{ code: 'FST_ERR_CTP_INVALID_JSON_BODY', statusCode: 400 }, 'malformed_body', 400],
      [{ code: 'FST_ERR_CTP_EMPTY_JSON_BODY', statusCode: 400 }, 'malformed_body', 400],
      [{ code: 'FST_ERR_SOMETHING_ELSE', statusCode: 406, message: 'nope' }, 'bad_request', 406],
    ];
    for (const [fields, slug, status] of cases) {
      const problem = toProblem(Object.assign(new Error('x'), fields), request, 1024);
      expect({ slug: problem.slug, status: problem.status }).toEqual({ slug, status });
    }
  });

  it('maps a JSON syntax error with status 400 to malformed_body', () => {
    expect(toProblem(Object.assign(new SyntaxError('Unexpected token'), { statusCode: 400 }), request, 1024).slug).toBe('malformed_body');
  });

  it('turns anything else into internal_error without leaking its message', () => {
    const problem = toProblem(new Error('database password is hunter2'), request, 1024);
    expect(problem).toBeInstanceOf(ApiProblem);
    expect(problem.status).toBe(500);
    expect(problem.slug).toBe('internal_error');
    expect(problem.detail).not.toContain('hunter2');
  });
});

describe('parseYamlBody', () => {
  it('parses a document to plain values', () => {
    expect(parseYamlBody('id: a\ntasks:\n  - id: t\n')).toEqual({ id: 'a', tasks: [{ id: 't' }] });
  });

  it('refuses broken YAML and alias bombs as malformed_body', () => {
    expect(() => parseYamlBody('a: [1, 2')).toThrow(expect.objectContaining({ slug: 'malformed_body' }));
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]', ...'bcdefgh'.split('').map((c, i) => `${c}: &${c} [${Array(10).fill(`*${'abcdefg'[i]}`).join(', ')}]`)].join('\n');
    expect(() => parseYamlBody(bomb)).toThrow(expect.objectContaining({ slug: 'malformed_body' }));
  });

  it('refuses nesting too deep to convert as body_too_deep, and checks the value like JSON', () => {
    expect(() => parseYamlBody(`a: ${'['.repeat(10_000)}${']'.repeat(10_000)}`)).toThrow(expect.objectContaining({ slug: 'body_too_deep', status: 400 }));
    expect(() => parseYamlBody(`a: ${'['.repeat(100)}${']'.repeat(100)}`)).toThrow(expect.objectContaining({ slug: 'body_too_deep' }));
    expect(() => parseYamlBody('n: .inf')).toThrow(expect.objectContaining({ slug: 'validation_error' }));
    expect(() => parseYamlBody('input:\n  __proto__: {admin: true}')).toThrow(expect.objectContaining({ slug: 'validation_error' }));
  });
});
