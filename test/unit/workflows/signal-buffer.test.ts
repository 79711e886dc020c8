/**
 * Generic signals kept until a wait task takes them: arrival order, the condition a waiting task
 * puts on the payload, and the limit.
 */
import { MAX_BUFFERED_SIGNALS, SignalBuffer } from '../../../src/workflows/signal-buffer';

describe('SignalBuffer', () => {
  it('gives a waiting task the oldest signal of its name that its condition accepts, once', () => {
    const buffer = new SignalBuffer();
    buffer.add('paid', { amount: 1 });
    buffer.add('shipped', { n: 1 });
    buffer.add('paid', { amount: 50 });
    buffer.add('paid', { amount: 70 });
    const big = (p: unknown) => (p as { amount: number }).amount > 10;
    expect(buffer.take('paid', big)).toMatchObject({ name: 'paid', payload: { amount: 50 } });
    expect(buffer.take('paid', big)).toMatchObject({ payload: { amount: 70 } });
    expect(buffer.take('paid', big)).toBeUndefined();
    expect(buffer.take('paid', () => true)).toMatchObject({ payload: { amount: 1 } });
    expect(buffer.take('shipped', () => true)).toMatchObject({ payload: { n: 1 } });
    expect(buffer.take('shipped', () => true)).toBeUndefined();
  });

  it('asks the condition only about signals of the name', () => {
    const buffer = new SignalBuffer();
    buffer.add('other', 1);
    const asked: unknown[] = [];
    expect(buffer.take('paid', (p) => (asked.push(p), true))).toBeUndefined();
    expect(asked).toEqual([]);
  });

  it(`keeps at most ${MAX_BUFFERED_SIGNALS} signals and refuses the next; taking one makes room`, () => {
    const buffer = new SignalBuffer();
    for (let i = 0; i < MAX_BUFFERED_SIGNALS; i++) expect(buffer.add('s', i)).toBe(true);
    expect(buffer.add('s', 'one too many')).toBe(false);
    expect(buffer.take('s', () => true)).toMatchObject({ payload: 0 });
    expect(buffer.add('s', 'fits again')).toBe(true);
  });
});
