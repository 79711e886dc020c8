/**
 * A minimal server-sent events client for the stream tests: raw HTTP, frames parsed as they arrive
 * (`id`, `event`, `data` lines — several `data` lines joined with `\n` as the SSE spec says — and
 * `:` comments).
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';

/** One SSE frame (a block ended by a blank line). */
export interface SseFrame {
  id?: string;
  event?: string;
  data?: string;
  comment?: string;
}

/** An open SSE connection: frames as they arrive. */
export class SseClient {
  readonly frames: SseFrame[] = [];
  ended = false;
  status = 0;
  headers: IncomingMessage['headers'] = {};
  /** The body of a non-SSE answer (a problem document), once it ended. */
  body = '';
  private response: IncomingMessage | undefined;
  private buffer = '';

  /** Connects; resolves once the response headers arrived. */
  static open(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
    const client = new SseClient();
    return new Promise((resolve, reject) => {
      const req = httpRequest(url, { headers: { accept: 'text/event-stream', ...headers } }, (res) => {
        client.response = res;
        client.status = res.statusCode ?? 0;
        client.headers = res.headers;
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (client.status === 200 ? client.push(chunk) : (client.body += chunk)));
        res.on('end', () => (client.ended = true));
        res.on('error', () => (client.ended = true));
        res.on('close', () => (client.ended = true));
        resolve(client);
      });
      req.on('error', reject);
      req.end();
    });
  }

  /** Journal events received (frames with an id), checked against their frame's `id` and `event`. */
  get events(): Array<{ seq: number; type: string; id: string }> {
    return this.frames
      .filter((f) => f.id !== undefined && f.data !== undefined)
      .map((f) => {
        const event = JSON.parse(f.data!) as { seq: number; type: string; id: string };
        expect(String(event.seq)).toBe(f.id);
        expect(event.type).toBe(f.event);
        return event;
      });
  }

  /** Leaves: destroys the connection. */
  close(): void {
    this.response?.destroy();
  }

  private push(chunk: string): void {
    this.buffer += chunk;
    let end: number;
    while ((end = this.buffer.indexOf('\n\n')) >= 0) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      const frame: SseFrame = {};
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) frame.comment = line.slice(1).trim();
        const match = /^(id|event|data): ?(.*)$/.exec(line);
        if (!match) continue;
        const field = match[1] as 'id' | 'event' | 'data';
        frame[field] = field === 'data' && frame.data !== undefined ? `${frame.data}\n${match[2]!}` : match[2]!;
      }
      this.frames.push(frame);
    }
  }
}
