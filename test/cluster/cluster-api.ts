/**
 * A small client of the cluster's API nodes for the cluster suites: JSON requests to a node, retried
 * with the same `Idempotency-Key` when the node cannot answer (connection refused or reset while it is
 * killed, 502/503/504), so a command is answered or safely retried, never lost or doubled.
 */
import { setTimeout as sleep } from 'node:timers/promises';

/** An answer of an API node. */
export interface ApiAnswer {
  status: number;
  body: Record<string, unknown>;
  /** Which node answered and after how many tries. */
  node: string;
  tries: number;
}

/** Counters of `ClusterApi`. */
export interface ApiStats {
  requests: number;
  /** Tries that got no answer (connection refused, reset, timeout) or 502/503/504. */
  retried: number;
  /** Requests that never got an answer in the time allowed. */
  unanswered: number;
}

const RETRYABLE = new Set([502, 503, 504]);

/** Requests to the API nodes, in turn or to a chosen one. */
export class ClusterApi {
  readonly stats: ApiStats = { requests: 0, retried: 0, unanswered: 0 };

  constructor(
    readonly urls: readonly string[],
    private readonly options: { retryForMs?: number; timeoutMs?: number } = {},
  ) {}

  /** Sends to node `node` first; on no answer tries the nodes in turn, same key, until `retryForMs`. */
  async send(method: string, path: string, options: { body?: unknown; node?: number; key?: string } = {}): Promise<ApiAnswer> {
    this.stats.requests += 1;
    const deadline = Date.now() + (this.options.retryForMs ?? 60_000);
    let node = options.node ?? 0;
    for (let tries = 1; ; tries += 1) {
      const url = this.urls[node % this.urls.length] ?? '';
      try {
        const response = await fetch(`${url}${path}`, {
          method,
          headers: { ...(options.body === undefined ? {} : { 'content-type': 'application/json' }), ...(options.key ? { 'idempotency-key': options.key } : {}) },
          ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
          signal: AbortSignal.timeout(this.options.timeoutMs ?? 30_000),
        });
        const text = await response.text();
        if (!RETRYABLE.has(response.status)) return { status: response.status, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>), node: url, tries };
      } catch {
        // No answer: the node is down or restarting.
      }
      this.stats.retried += 1;
      if (Date.now() > deadline) {
        this.stats.unanswered += 1;
        throw new Error(`${method} ${path}: no answer from any API node after ${tries} tries`);
      }
      node += 1;
      await sleep(Math.min(2_000, 100 * tries));
    }
  }

  /** GETs the status document of an execution. */
  async status(id: string, node = 0): Promise<{ status: string; pause: { reason?: string; task_id?: string; gates?: Array<Record<string, unknown>> } | null }> {
    const answer = await this.send('GET', `/api/v1/executions/${id}/status`, { node });
    if (answer.status !== 200) throw new Error(`status of ${id}: ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body as never;
  }

  /** The journal's event types of an execution. */
  async events(id: string, node = 0): Promise<Array<{ type: string; task_id?: string; actor?: string }>> {
    const answer = await this.send('GET', `/api/v1/executions/${id}/events?limit=1000`, { node });
    return (answer.body.events ?? []) as never;
  }

  /** Polls the status until `predicate` holds. */
  async waitFor(id: string, predicate: (s: Awaited<ReturnType<ClusterApi['status']>>) => boolean, timeoutMs = 60_000, node = 0): Promise<Awaited<ReturnType<ClusterApi['status']>>> {
    const deadline = Date.now() + timeoutMs;
    let last: unknown;
    for (;;) {
      const s = await this.status(id, node);
      if (predicate(s)) return s;
      last = s;
      if (Date.now() > deadline) throw new Error(`execution ${id} never reached the expected state; last ${JSON.stringify(last)}`);
      await sleep(250);
    }
  }
}
