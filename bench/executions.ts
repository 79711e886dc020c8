/**
 * Triggering bench executions through the REST API and waiting for them to reach a state.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from '@temporalio/client';
import { executionListQuery } from '../src/executions/visibility';
import { ExecutionStatus } from '../src/workflows/states';
import { mapConcurrent } from './concurrency';
import { expectStatus, type JsonHttpClient } from './http-client';

/**
 * `POST /api/v1/workflows/{id}/executions`; resolves with the execution id. With `version` the API
 * looks the definition up by version (cached for good) instead of "latest" (cached for 2 s).
 */
export async function trigger(http: JsonHttpClient, definitionId: string, input: unknown = {}, version?: number): Promise<string> {
  const response = expectStatus(
    await http.post<{ execution_id: string }>(`/api/v1/workflows/${definitionId}/executions`, { input, ...(version === undefined ? {} : { version }) }),
    202,
    `trigger ${definitionId}`,
  );
  return response.body.execution_id;
}

export function triggerMany(
  http: JsonHttpClient,
  definitionId: string,
  count: number,
  concurrency: number,
  options: { version?: number; onTriggered?: () => void } = {},
): Promise<string[]> {
  const { version, onTriggered } = options;
  return mapConcurrent(Array.from({ length: count }), concurrency, async () => {
    const id = await trigger(http, definitionId, {}, version);
    onTriggered?.();
    return id;
  });
}

/** Polls `GET /executions/{id}/status` until the execution is paused. */
export async function waitPaused(http: JsonHttpClient, executionId: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await http.get<{ status?: string }>(`/api/v1/executions/${executionId}/status`);
    if (response.status === 200 && response.body.status === ExecutionStatus.Paused) return;
    if (Date.now() > deadline) throw new Error(`${executionId} not paused after ${timeoutMs} ms (last: HTTP ${response.status} ${JSON.stringify(response.body).slice(0, 200)})`);
    await sleep(20);
  }
}

/** Waits until Temporal visibility counts `count` executions of `definitionId` in `status`. */
export async function waitVisibleCount(
  client: Client,
  definitionId: string,
  status: ExecutionStatus,
  count: number,
  timeoutMs: number,
  onProgress?: (seen: number) => void,
): Promise<void> {
  const query = executionListQuery({ status, workflow: definitionId });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { count: seen } = await client.workflow.count(query);
    onProgress?.(seen);
    if (seen >= count) return;
    if (Date.now() > deadline) throw new Error(`only ${seen} of ${count} ${definitionId} executions ${status} after ${timeoutMs} ms`);
    await sleep(1_000);
  }
}
