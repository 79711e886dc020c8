/**
 * A client that stopped reading cannot hold a server's close: once its stream is stopped for
 * shutdown, the response is ended and, when the socket buffers are full, the connection is cut after
 * the grace period. Real sockets on loopback; the journal is a stand-in producing 4 MiB events.
 */
import { createServer, type ServerResponse } from 'node:http';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from '@temporalio/client';
import { runJournalStream } from '../../../../src/api/sse/journal-stream';
import { StreamRegistry } from '../../../../src/api/sse/stream-registry';
import type { ExecutionService } from '../../../../src/executions/execution-service';
import type { JournalPage } from '../../../../src/executions/journal-segments';

const big = 'x'.repeat(4 * 1024 * 1024);
let seq = 0;
const journal = {
  events: (): Promise<JournalPage> => {
    seq += 1;
    const event = { id: `e${seq}`, seq, type: 'TaskExecutionStarted' as const, time: '', execution_id: 'x', workflow_id: 'w', data: { big } };
    return Promise.resolve({ events: [event], last_seq: seq, has_more: false });
  },
} as unknown as ExecutionService;

it('cuts off a client that does not read once the grace period is over', async () => {
  const registry = new StreamRegistry();
  let response: ServerResponse | undefined;
  const loops: Array<Promise<void>> = [];
  const server = createServer((_request, res) => {
    response = res;
    const stream = registry.admit();
    const timings = { heartbeatMs: 15_000, minPollMs: 10, maxPollMs: 10, closeGraceMs: 200 };
    loops.push(
      runJournalStream({ executionId: 'x', after: 0, firstPage: undefined, stream, raw: res, executions: journal, client: {} as Client, timings }).finally(() =>
        stream.release(),
      ),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const socket = connect({ port: (server.address() as { port: number }).port, host: '127.0.0.1' });
  socket.on('error', () => undefined);
  socket.write('GET /stream HTTP/1.1\r\nHost: test\r\nAccept: text/event-stream\r\n\r\n');
  socket.pause();
  try {
    // The loop is stuck writing: the socket buffers are full and the client reads nothing.
    for (let i = 0; !response?.writableNeedDrain; i++) {
      if (i > 200) throw new Error('the response never filled the socket buffers');
      await sleep(25);
    }
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    registry.closeAll();
    const timer = new AbortController();
    const outcome = await Promise.race([closed.then(() => 'closed'), sleep(5_000, 'still open after 5 s', { signal: timer.signal })]);
    timer.abort();
    expect(outcome).toBe('closed');
    expect(response.destroyed).toBe(true);
    await Promise.all(loops);
    expect(registry.active).toBe(0);
  } finally {
    socket.destroy();
    server.close();
  }
});
