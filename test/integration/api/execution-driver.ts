/**
 * Drives executions through the REST API in tests: register, trigger, read status and journal,
 * wait for a status. Every call goes through `app.inject` with the given key.
 */
import type { LightMyRequestResponse } from 'fastify';
import type { CadenzaApp } from '../../../src/api/app';
import type { ExecutionView, StatusView, TaskContextView } from '../../../src/workflows/contracts';
import type { JournalEvent } from '../../../src/workflows/events';
import { waitFor } from '../harness';
import { call } from './api-context';

export class ExecutionDriver {
  constructor(
    readonly app: CadenzaApp,
    /** Key of the default caller; none when auth is off. */
    readonly key?: string,
  ) {}

  post(url: string, body?: unknown, options: { key?: string; headers?: Record<string, string> } = {}): Promise<LightMyRequestResponse> {
    const key = options.key ?? this.key;
    return call(this.app, 'POST', url, { ...(body === undefined ? {} : { body }), ...(key ? { key } : {}), ...(options.headers ? { headers: options.headers } : {}) });
  }

  get(url: string, key = this.key): Promise<LightMyRequestResponse> {
    return call(this.app, 'GET', url, key ? { key } : {});
  }

  async register(definition: Record<string, unknown>): Promise<void> {
    const res = await call(this.app, 'PUT', `/api/v1/workflows/${String(definition.id)}`, { body: definition, ...(this.key ? { key: this.key } : {}) });
    if (res.statusCode !== 200 && res.statusCode !== 201) throw new Error(`register ${String(definition.id)}: ${res.statusCode} ${res.body}`);
  }

  async trigger(workflowId: string, input: unknown = {}): Promise<string> {
    const res = await this.post(`/api/v1/workflows/${workflowId}/executions`, { input });
    if (res.statusCode !== 202) throw new Error(`trigger ${workflowId}: ${res.statusCode} ${res.body}`);
    return res.json<{ execution_id: string }>().execution_id;
  }

  async status(id: string): Promise<StatusView> {
    const res = await this.get(`/api/v1/executions/${id}/status`);
    if (res.statusCode !== 200) throw new Error(`status ${id}: ${res.statusCode} ${res.body}`);
    return res.json<StatusView>();
  }

  /** Waits until the execution has `status` (and, optionally, `also` holds); returns that status view. */
  async waitForStatus(id: string, status: string, also: (s: StatusView) => boolean = () => true): Promise<StatusView> {
    return waitFor(
      async () => {
        const s = await this.status(id);
        return s.status === status && also(s) ? s : undefined;
      },
      { what: `${id} ${status}`, timeoutMs: 20_000, intervalMs: 50 },
    );
  }

  async execution(id: string): Promise<ExecutionView> {
    const res = await this.get(`/api/v1/executions/${id}`);
    if (res.statusCode !== 200) throw new Error(`execution ${id}: ${res.statusCode} ${res.body}`);
    return res.json<ExecutionView>();
  }

  async taskContext(id: string, taskId: string): Promise<TaskContextView> {
    const res = await this.get(`/api/v1/executions/${id}/tasks/${taskId}/context`);
    if (res.statusCode !== 200) throw new Error(`task context ${id}/${taskId}: ${res.statusCode} ${res.body}`);
    return res.json<TaskContextView>();
  }

  async events(id: string): Promise<JournalEvent[]> {
    const all: JournalEvent[] = [];
    for (let after = 0; ; ) {
      const res = await this.get(`/api/v1/executions/${id}/events?after=${after}&limit=1000`);
      if (res.statusCode !== 200) throw new Error(`events ${id}: ${res.statusCode} ${res.body}`);
      const page = res.json<{ events: JournalEvent[]; has_more: boolean; last_seq: number }>();
      all.push(...page.events);
      if (!page.has_more || page.events.length === 0) return all;
      after = page.events.at(-1)!.seq;
    }
  }

  async eventTypes(id: string): Promise<string[]> {
    return (await this.events(id)).map((e) => e.type);
  }
}
