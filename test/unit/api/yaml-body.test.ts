import { parseYamlBody } from '../../../src/api/yaml-body';

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
