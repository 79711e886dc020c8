import { readYamlDocument } from '../../../src/definitions/yaml-document';

describe('readYamlDocument', () => {
  it('reads a document to plain values', () => {
    expect(readYamlDocument('id: a\ntasks:\n  - id: t\n')).toEqual({ ok: true, value: { id: 'a', tasks: [{ id: 't' }] } });
  });

  it('gives a syntax error with its line and column', () => {
    const reading = readYamlDocument('id: a\ntasks: [1, 2\n');
    expect(reading).toMatchObject({ ok: false, failure: { kind: 'syntax', line: expect.any(Number), column: expect.any(Number) } });
  });

  it('refuses alias bombs and unresolved aliases when converting', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]', ...'bcdefgh'.split('').map((c, i) => `${c}: &${c} [${Array(10).fill(`*${'abcdefg'[i]}`).join(', ')}]`)].join('\n');
    expect(readYamlDocument(bomb)).toMatchObject({ ok: false, failure: { kind: 'conversion' } });
    expect(readYamlDocument('a: *missing\n')).toMatchObject({ ok: false });
  });
});
