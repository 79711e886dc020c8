import type { FastifyRequest } from 'fastify';
import { problemHeaders, toProblem } from '../../../src/api/error-handler';
import { ApiProblem, ExecutionClosed, Forbidden, Unauthenticated, WorkerUnavailable } from '../../../src/errors/problems';

const request = { headers: { 'content-type': 'text/plain' } } as unknown as FastifyRequest;

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

describe('problemHeaders', () => {
  it('sends Retry-After on 503s and the Bearer challenge on 401s', () => {
    expect(problemHeaders(new WorkerUnavailable('none'))).toEqual({ 'retry-after': '5' });
    expect(problemHeaders(new Unauthenticated('no key'))).toEqual({ 'www-authenticate': 'Bearer realm="cadenza"' });
  });

  it('sends nothing extra with other problems', () => {
    expect(problemHeaders(new Forbidden('ci', 'workflows:write'))).toEqual({});
    expect(problemHeaders(new ExecutionClosed('orders-1', 'completed'))).toEqual({});
  });
});
