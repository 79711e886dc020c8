/**
 * An OpenAI-compatible Chat Completions server for tests (`POST /v1/chat/completions`), on node:http.
 * Each test scripts the answers of one model name: text, tool calls, invalid JSON bodies, HTTP errors
 * (429, 5xx, 4xx) and slow answers. Every request is recorded, and a request whose client went away
 * (an aborted call) is noted.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A message of a request (OpenAI's shape). */
export interface FakeMessage {
  role: string;
  content?: string | null;
  tool_call_id?: string;
  [key: string]: unknown;
}

/** One request as the server saw it. */
export interface FakeModelRequest {
  model: string;
  body: Record<string, unknown> & { messages: FakeMessage[] };
  authorization: string | undefined;
  /** The client closed the connection before the answer was sent. */
  aborted: boolean;
}

/** What the server answers to one request. */
export type FakeReply =
  | { kind: 'text'; content: string; delayMs?: number; usage?: { prompt_tokens: number; completion_tokens: number } }
  | { kind: 'tool_calls'; calls: Array<{ id: string; name: string; arguments: unknown }>; delayMs?: number }
  | { kind: 'status'; status: number; message?: string; delayMs?: number }
  | { kind: 'invalid_json'; delayMs?: number };

/** Builders of replies. */
export const reply = {
  text: (content: string, delayMs?: number): FakeReply => ({ kind: 'text', content, ...(delayMs !== undefined && { delayMs }) }),
  json: (value: unknown, delayMs?: number): FakeReply => ({ kind: 'text', content: JSON.stringify(value), ...(delayMs !== undefined && { delayMs }) }),
  toolCall: (id: string, name: string, args: unknown, delayMs?: number): FakeReply => ({ kind: 'tool_calls', calls: [{ id, name, arguments: args }], ...(delayMs !== undefined && { delayMs }) }),
  status: (status: number, message = `status ${status}`): FakeReply => ({ kind: 'status', status, message }),
  invalidJson: (): FakeReply => ({ kind: 'invalid_json' }),
};

/** Answers the `index`-th request (0-based) for one model name. */
export type FakeScript = (request: FakeModelRequest, index: number) => FakeReply;

/** A script that gives `replies` in order and repeats the last one. */
export function inOrder(...replies: FakeReply[]): FakeScript {
  return (_request, index) => replies[Math.min(index, replies.length - 1)] ?? reply.status(500, 'no reply scripted');
}

export class FakeModelServer {
  readonly requests: FakeModelRequest[] = [];
  private readonly scripts = new Map<string, FakeScript>();

  private constructor(private readonly server: Server) {}

  static async start(): Promise<FakeModelServer> {
    const server = createServer();
    const fake = new FakeModelServer(server);
    server.on('request', (req, res) => void fake.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  /** The base URL a model definition uses (`…/v1`). */
  get baseUrl(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1`;
  }

  /** Scripts the answers for `model`. */
  script(model: string, script: FakeScript): void {
    this.scripts.set(model, script);
  }

  /** Requests for `model`, in arrival order. */
  requestsFor(model: string): FakeModelRequest[] {
    return this.requests.filter((r) => r.model === model);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (req.method !== 'POST' || req.url !== '/v1/chat/completions') return send(res, 404, { error: { message: `no route ${req.method} ${req.url}` } });
    let body: FakeModelRequest['body'];
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as FakeModelRequest['body'];
    } catch {
      return send(res, 400, { error: { message: 'body is not JSON' } });
    }
    const model = String(body.model);
    const record: FakeModelRequest = { model, body, authorization: req.headers.authorization, aborted: false };
    const index = this.requestsFor(model).length;
    this.requests.push(record);
    res.on('close', () => {
      if (!res.writableFinished) record.aborted = true;
    });
    const script = this.scripts.get(model);
    const answer = script === undefined ? reply.status(404, `model "${model}" is not scripted`) : script(record, index);
    if (answer.delayMs !== undefined) {
      // A slow answer; a client that goes away ends the wait (no timer outlives the test).
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, answer.delayMs);
        res.once('close', () => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    if (record.aborted || res.destroyed) return;
    switch (answer.kind) {
      case 'status':
        return send(res, answer.status, { error: { message: answer.message ?? `status ${answer.status}`, type: 'fake' } });
      case 'invalid_json':
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"id": "broken", "choices": [');
        return;
      case 'text':
        return send(res, 200, completion(model, { role: 'assistant', content: answer.content }, 'stop', answer.usage));
      case 'tool_calls':
        return send(
          res,
          200,
          completion(model, { role: 'assistant', content: null, tool_calls: answer.calls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: typeof c.arguments === 'string' ? c.arguments : JSON.stringify(c.arguments) } })) }, 'tool_calls'),
        );
    }
  }
}

function completion(model: string, message: Record<string, unknown>, finishReason: string, usage = { prompt_tokens: 10, completion_tokens: 5 }): Record<string, unknown> {
  return {
    id: `chatcmpl-${Math.random().toString(36).slice(2)}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{ index: 0, message, finish_reason: finishReason }],
    usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens },
  };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
