/**
 * The stream's frames, read back by a parser that follows the SSE spec (lines end at CR, LF or
 * CRLF; `data` lines are joined with LF; a blank line dispatches), for any content.
 */
import { encode } from 'eventsource-encoder';
import fc from 'fast-check';
import { endFrame, errorFrame, HEARTBEAT_FRAME, journalEventFrame, RETRY_FRAME } from '../../../../src/api/sse/sse-frames';
import type { JournalEvent } from '../../../../src/workflows/events';

interface Dispatched {
  id?: string;
  event?: string;
  data: string;
}

/** The messages and comments a spec-following client sees in `text`. */
function parse(text: string): { messages: Dispatched[]; comments: string[]; retry?: number } {
  const messages: Dispatched[] = [];
  const comments: string[] = [];
  let retry: number | undefined;
  let data: string[] = [];
  let fields: { id?: string; event?: string } = {};
  for (const line of text.split(/\r\n|\r|\n/)) {
    if (line === '') {
      if (data.length > 0) messages.push({ ...fields, data: data.join('\n') });
      data = [];
      fields = {};
      continue;
    }
    if (line.startsWith(':')) {
      comments.push(line.slice(1).trim());
      continue;
    }
    const colon = line.indexOf(':');
    const name = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (name === 'data') data.push(value);
    else if (name === 'id' || name === 'event') fields[name] = value;
    else if (name === 'retry') retry = Number(value);
  }
  return { messages, comments, ...(retry === undefined ? {} : { retry }) };
}

const event = (data: Record<string, unknown>, seq = 7): JournalEvent => ({
  id: `e-${seq}`,
  seq,
  type: 'TaskExecutionSuccess',
  time: '2026-01-01T00:00:00.000Z',
  execution_id: 'orders-1',
  workflow_id: 'orders',
  data,
});

describe('SSE frames', () => {
  it('send a journal event as id, event and data, one message', () => {
    const sent = event({ output: { ok: true } });
    expect(parse(journalEventFrame(sent))).toEqual({ messages: [{ id: '7', event: 'TaskExecutionSuccess', data: JSON.stringify(sent) }], comments: [] });
  });

  it('stay one message whatever the content: line breaks of every kind, U+2028, astral characters', () => {
    const text = fc.string({ unit: fc.constantFrom('a', '\n', '\r', '\r\n', '\u2028', '😀', ':', ' ', 'data: x') });
    fc.assert(
      fc.property(text, fc.nat(), (value, seq) => {
        const sent = event({ value, [value]: [value] }, seq);
        const { messages } = parse(journalEventFrame(sent) + errorFrame({ detail: value }) + endFrame({ execution_id: value, status: 'completed', last_seq: seq }));
        expect(messages).toEqual([
          { id: String(seq), event: 'TaskExecutionSuccess', data: JSON.stringify(sent) },
          { event: 'error', data: JSON.stringify({ detail: value }) },
          { event: 'end', data: JSON.stringify({ execution_id: value, status: 'completed', last_seq: seq }) },
        ]);
        expect(JSON.parse(messages[0]!.data)).toEqual(sent);
      }),
      { numRuns: 500 },
    );
  });

  it('split multi-line data into data lines a client joins back (the encoder every frame goes through)', () => {
    expect(encode({ event: 'note', data: 'a\nb\r\nc\rd' })).toBe('event: note\ndata: a\ndata: b\ndata: c\ndata: d\n\n');
    expect(parse(encode({ event: 'note', data: 'a\n\nb' })).messages).toEqual([{ event: 'note', data: 'a\n\nb' }]);
    expect(() => encode({ event: 'two\nlines', data: '' })).toThrow(TypeError);
  });

  it('open with a retry interval and keep idle streams alive with a comment', () => {
    expect(parse(RETRY_FRAME)).toEqual({ messages: [], comments: [], retry: 1000 });
    expect(parse(HEARTBEAT_FRAME)).toEqual({ messages: [], comments: ['heartbeat'] });
  });
});
