/**
 * What every server-sent event loop does with its response and its stop signal: write a frame
 * respecting back-pressure, wait between polls (woken when the stream stops), and end the response
 * when the server closes.
 */
import type { ServerResponse } from 'node:http';
import type { OpenStream } from './stream-registry';

/** Writes, waiting for the socket to drain when its buffer is full (or for the response to end). */
export async function writeFrame(raw: ServerResponse, chunk: string): Promise<void> {
  if (raw.destroyed || raw.writableEnded) return;
  if (!raw.write(chunk)) {
    await new Promise<void>((resolve) => {
      // Both listeners go once either fired: a long stream waits for drain many times.
      const done = (): void => {
        raw.off('drain', done);
        raw.off('close', done);
        resolve();
      };
      raw.once('drain', done);
      raw.once('close', done);
    });
  }
}

/** A wait of `ms` that returns at once when `stream` is stopped. */
export function pauseFor(stream: OpenStream): (ms: number) => Promise<void> {
  return (ms) =>
    new Promise((resolve) => {
      if (stream.stopped) return resolve();
      const done = (): void => {
        clearTimeout(timer);
        stream.signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      stream.signal.addEventListener('abort', done, { once: true });
    });
}

/**
 * Ends the response now (a client sees the stream end and reconnects); if its client does not take
 * the rest within `graceMs`, the connection is cut so it cannot hold the close.
 */
export function endForShutdown(raw: ServerResponse, graceMs: number): void {
  if (raw.destroyed) return;
  if (!raw.writableEnded) raw.end();
  const timer = setTimeout(() => raw.destroy(), graceMs);
  timer.unref();
  raw.once('close', () => clearTimeout(timer));
}
