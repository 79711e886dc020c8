import { problemHeaders } from '../../../../src/api/error-handler';
import { PROBLEM_TYPE_BASE, StreamLimitReached } from '../../../../src/errors/problems';
import { StreamRegistry } from '../../../../src/api/sse/stream-registry';
import { DEFAULT_SSE_MAX_STREAMS, loadConfig } from '../../../../src/config';

describe('StreamRegistry', () => {
  it('counts admitted streams until released, and refuses past the cap', () => {
    const registry = new StreamRegistry({ maxStreams: 2 });
    const a = registry.admit();
    const b = registry.admit();
    expect(registry.active).toBe(2);
    expect(() => registry.admit()).toThrow(StreamLimitReached);
    a.release();
    a.release();
    expect(registry.active).toBe(1);
    expect(a.stopped).toBe(true);
    const c = registry.admit();
    expect(registry.active).toBe(2);
    b.release();
    c.release();
    expect(registry.active).toBe(0);
  });

  it('keeps the first stop reason', () => {
    const stream = new StreamRegistry().admit();
    expect(stream.reason).toBeUndefined();
    stream.stop('client_gone');
    stream.stop('server_closing');
    expect(stream.reason).toBe('client_gone');
    expect(stream.signal.aborted).toBe(true);
  });

  it('stops every open stream on closeAll, and admits later ones already stopped', () => {
    const registry = new StreamRegistry();
    const open = registry.admit();
    registry.closeAll();
    expect(open.reason).toBe('server_closing');
    const late = registry.admit();
    expect(late.reason).toBe('server_closing');
    expect(registry.active).toBe(2);
  });
});

describe('stream_limit_reached', () => {
  it('is a 503 with Retry-After and the cap', () => {
    const problem = new StreamLimitReached(7);
    expect(problem.toDocument()).toMatchObject({ type: `${PROBLEM_TYPE_BASE}stream_limit_reached`, status: 503, max_streams: 7 });
    expect(problemHeaders(problem)).toEqual({ 'retry-after': '5' });
  });
});

describe('CADENZA_SSE_MAX_STREAMS', () => {
  it('defaults, parses, and refuses anything but a positive integer in one line', () => {
    expect(loadConfig({}).CADENZA_SSE_MAX_STREAMS).toBe(DEFAULT_SSE_MAX_STREAMS);
    expect(loadConfig({ CADENZA_SSE_MAX_STREAMS: '250' }).CADENZA_SSE_MAX_STREAMS).toBe(250);
    for (const bad of ['0', '-1', '1.5', 'many', '']) {
      expect(() => loadConfig({ CADENZA_SSE_MAX_STREAMS: bad })).toThrow(new RegExp(`^invalid configuration: CADENZA_SSE_MAX_STREAMS=${JSON.stringify(bad)}: `));
    }
  });
});
