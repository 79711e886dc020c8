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
});
