import { assertSafeBody, decodeUtf8Body, MAX_BODY_DEPTH, parseJsonBody } from '../../../src/input/body-guard';
import { assertUtf8Charset } from '../../../src/api/json-body';

const nestedArrays = (levels: number): string => '['.repeat(levels) + ']'.repeat(levels);

function problemOf(fn: () => unknown): { slug: string; status: number; extensions: Record<string, unknown>; detail: string } {
  try {
    fn();
  } catch (error) {
    return error as { slug: string; status: number; extensions: Record<string, unknown>; detail: string };
  }
  throw new Error('expected a problem');
}

describe('assertSafeBody', () => {
  it(`takes ${MAX_BODY_DEPTH} levels of nesting and refuses one more as body_too_deep`, () => {
    expect(() => parseJsonBody(nestedArrays(MAX_BODY_DEPTH))).not.toThrow();
    const problem = problemOf(() => parseJsonBody(`{"input":${nestedArrays(MAX_BODY_DEPTH)}}`));
    expect(problem).toMatchObject({ status: 400, slug: 'body_too_deep', extensions: { max_depth: MAX_BODY_DEPTH } });
    expect(problem.detail).toContain('body.input[0][0]');
  });

  it('refuses a body nested a million levels deep without overflowing the stack', () => {
    expect(problemOf(() => parseJsonBody(nestedArrays(1_000_000)))).toMatchObject({ slug: 'body_too_deep' });
  });

  it('refuses __proto__ keys anywhere, and constructor.prototype, naming the path', () => {
    expect(problemOf(() => parseJsonBody('{"input":{"a":[{"__proto__":{"admin":true}}]}}'))).toMatchObject({
      slug: 'validation_error',
      extensions: { errors: [{ path: 'body.input.a[0].__proto__', message: expect.stringContaining('prototype') }] },
    });
    expect(problemOf(() => parseJsonBody('{"constructor":{"prototype":{"x":1}}}'))).toMatchObject({
      extensions: { errors: [{ path: 'body.constructor.prototype' }] },
    });
    // The words alone are fine.
    expect(parseJsonBody('{"constructor":"x","prototype":1,"tasks":["__proto__"]}')).toEqual({ constructor: 'x', prototype: 1, tasks: ['__proto__'] });
  });

  it('refuses numbers JSON cannot carry (1e999 parses to Infinity)', () => {
    expect(problemOf(() => parseJsonBody('{"input":{"n":[1, 1e999]}}'))).toMatchObject({
      slug: 'validation_error',
      extensions: { errors: [{ path: 'body.input.n[1]', message: expect.stringContaining('finite') }] },
    });
    expect(problemOf(() => assertSafeBody(Number.NaN))).toMatchObject({ extensions: { errors: [{ path: 'body' }] } });
  });

  it('reports invalid JSON with its position, never an excerpt', () => {
    const problem = problemOf(() => parseJsonBody('{"token": "s3cret" oops}'));
    expect(problem).toMatchObject({ slug: 'malformed_body' });
    expect(problem.detail).toMatch(/line 1, column \d+/);
    expect(problem.detail).not.toContain('s3cret');
  });
});

describe('decodeUtf8Body', () => {
  it('decodes UTF-8 (dropping a byte order mark) and refuses invalid bytes instead of replacing them', () => {
    expect(decodeUtf8Body(Buffer.from('\ufeff{"a":"ü"}', 'utf8'))).toBe('{"a":"ü"}');
    expect(problemOf(() => decodeUtf8Body(Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x7d])))).toMatchObject({ slug: 'malformed_body', detail: 'the body is not valid UTF-8' });
  });
});

describe('assertUtf8Charset', () => {
  it('takes no charset or UTF-8, and refuses any other as unsupported_media_type', () => {
    for (const type of [undefined, 'application/json', 'application/json; charset=utf-8', 'application/json;charset="UTF8"']) {
      expect(() => assertUtf8Charset(type)).not.toThrow();
    }
    expect(problemOf(() => assertUtf8Charset('application/json; charset=utf-16'))).toMatchObject({ status: 415, slug: 'unsupported_media_type' });
  });
});
