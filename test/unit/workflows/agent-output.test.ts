import fc from 'fast-check';
import { checkAnswer, repairMessage } from '../../../src/workflows/agent-output';

const schema = { type: 'object', required: ['category'], properties: { category: { enum: ['billing', 'bug', 'other'] } } };

describe('checkAnswer', () => {
  it('without a schema, any text is the output {text}', () => {
    fc.assert(fc.property(fc.string(), (raw) => expect(checkAnswer(raw, undefined)).toEqual({ ok: true, output: { text: raw } })));
  });

  it('accepts JSON (also fenced) that the schema accepts', () => {
    expect(checkAnswer('{"category":"bug"}', schema)).toEqual({ ok: true, output: { category: 'bug' } });
    expect(checkAnswer('```json\n{"category":"other"}\n```', schema)).toEqual({ ok: true, output: { category: 'other' } });
  });

  it('names why an answer misses: not JSON, or what the schema refuses', () => {
    const notJson = checkAnswer('billing, I think', schema);
    expect(notJson).toMatchObject({ ok: false, problems: [expect.stringMatching(/^the answer is not JSON/)] });
    const wrong = checkAnswer('{"category":"refunds"}', schema);
    expect(wrong.ok).toBe(false);
    expect(!wrong.ok && wrong.problems.join(' ')).toMatch(/category/);
  });

  it('never throws, whatever the model writes', () => {
    fc.assert(fc.property(fc.oneof(fc.string(), fc.json()), (raw) => expect(typeof checkAnswer(raw, schema).ok).toBe('boolean')));
  });

  it('a repair message lists the problems and carries the schema', () => {
    const text = repairMessage(['category must be one of …'], schema);
    expect(text).toContain('- category must be one of …');
    expect(text).toContain(JSON.stringify(schema));
  });
});
