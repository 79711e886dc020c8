/**
 * `npm run test:faults`: while 200 executions run — each does a side effect, waits for a signal, is
 * (one in four) paused and resumed, waits for an approval, does a second side effect — a worker, an API
 * node and a Temporal server process are each killed with SIGKILL and restarted. Expected: 0 executions
 * lost, 0 duplicate side effects (the effect service counts Idempotency-Keys: exactly one per task of
 * each execution), every command answered or safely retried with its Idempotency-Key. Loopback only,
 * bounded in count and time; its own cluster (ports 18233+, databases cadenza_faults*).
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type RunningCluster, startCluster } from '../../src/cluster/cluster';
import { killInTurn, type Kill, victims } from './chaos';
import { ClusterApi } from './cluster-api';
import { type EffectService, startEffectService } from './effect-service';

const EXECUTIONS = Number(process.env.CADENZA_FAULTS_EXECUTIONS ?? 200);
const CONCURRENCY = 25;
const env: NodeJS.ProcessEnv = {
  ...process.env,
  CADENZA_DATA_DIR: '.data/faults',
  CADENZA_CLUSTER_PORT_BASE: '18233',
  CADENZA_CLUSTER_API_PORT: '3101',
  CADENZA_CLUSTER_WORKER_METRICS_PORT: '9564',
  DBNAME: 'cadenza_faults',
  VISIBILITY_DBNAME: 'cadenza_faults_visibility',
  LOG_LEVEL: 'warn',
};

jest.setTimeout(30 * 60_000);

let cluster: RunningCluster;
let service: EffectService;
const log = (line: string): void => void process.stdout.write(`[faults] ${line}\n`);

beforeAll(async () => {
  service = await startEffectService();
  cluster = await startCluster({ env, onProgress: log });
  log(`cluster ready in ${cluster.timings.total}s`);
});
afterAll(async () => {
  await cluster?.stop();
  await service?.close();
});

/** Drives one execution through every gate; returns its id once completed. */
async function drive(api: ClusterApi, n: number, workflowId: string, ids: Map<number, string>): Promise<string> {
  const node = n % 2;
  const started = await api.send('POST', `/api/v1/workflows/${workflowId}/executions`, { body: { input: { n } }, node, key: `trigger-${workflowId}-${n}` });
  if (started.status !== 202) throw new Error(`trigger ${n}: ${started.status} ${JSON.stringify(started.body)}`);
  const id = started.body.execution_id as string;
  ids.set(n, id);
  const command = async (path: string, body: unknown, key: string, at: number): Promise<void> => {
    const answer = await api.send('POST', `/api/v1/executions/${id}/${path}`, { body, node: at, key: `${key}-${id}` });
    if (answer.status >= 300) throw new Error(`${path} on ${id}: ${answer.status} ${JSON.stringify(answer.body)}`);
  };
  const gate = (reason: string) => (s: Awaited<ReturnType<ClusterApi['status']>>) => (s.pause?.gates ?? []).some((g) => g.reason === reason);
  await api.waitFor(id, gate('waiting_for_signal'), 600_000, node + 1);
  if (n % 4 === 0) {
    await command('pause', { reason: 'faults', mode: 'graceful' }, 'pause', node);
    await api.waitFor(id, (s) => s.status === 'paused', 600_000, node + 1);
    await command('resume', { mode: 'continue' }, 'resume', node + 1);
  }
  await command('signals/proceed', { payload: { n } }, 'signal', node + 1);
  await api.waitFor(id, gate('approval_required'), 600_000, node);
  await command('approvals/review', { decision: 'approve' }, 'decide', node);
  await api.waitFor(id, (s) => s.status === 'completed', 600_000, node + 1);
  return id;
}

test(`${EXECUTIONS} executions through kill -9 of a worker, an API node and a Temporal server: none lost, no duplicate side effect`, async () => {
  const api = new ClusterApi(cluster.apiUrls, { retryForMs: 300_000, timeoutMs: 20_000 });
  const workflowId = `faults-${Date.now().toString(36)}`;
  const effect = (step: string) => ({ method: 'POST', url: `${service.url}/effect`, timeout: '10s', body: { step, n: '{{ input.n }}' } });
  const put = await api.send('PUT', `/api/v1/workflows/${workflowId}`, {
    body: {
      id: workflowId,
      config: { retry: { maximum_attempts: 20, initial_interval: '1s' } },
      tasks: [
        { id: 'charge', type: 'basic', tool: 'http', with: effect('charge'), timeout: '15s', on_success: { next: 'hold' } },
        { id: 'hold', type: 'wait', wait_for: 'proceed', timeout: '1h', on_success: { next: 'review' } },
        { id: 'review', type: 'approval', timeout: '1h', on_approve: { next: 'ship' } },
        { id: 'ship', type: 'basic', tool: 'http', with: effect('ship'), timeout: '15s' },
      ],
    },
  });
  expect({ status: put.status, body: put.status === 201 ? {} : put.body }).toEqual({ status: 201, body: {} });

  const started = Date.now();
  const results: Array<{ n: number; id?: string; error?: string }> = [];
  const ids = new Map<number, string>();
  let next = 0;
  const workers = Array.from({ length: CONCURRENCY }, async () => {
    while (next < EXECUTIONS) {
      const n = next++;
      try {
        results.push({ n, id: await drive(api, n, workflowId, ids) });
      } catch (error) {
        results.push({ n, error: error instanceof Error ? error.message : String(error) });
      }
    }
  });
  // The kills start once the load is under way.
  const kills: Kill[] = await killInTurn(victims(cluster), 20_000, log);
  await Promise.all(workers);
  const seconds = Number(((Date.now() - started) / 1000).toFixed(1));

  // Lost = not completed in the end, whatever the driver saw on the way (read again after the chaos).
  const driverErrors = results.filter((r) => r.error !== undefined);
  const finals = await Promise.all([...ids.entries()].map(async ([n, id]) => ({ n, id, status: (await api.status(id, n % 2)).status })));
  const completed = finals.filter((f) => f.status === 'completed');
  const lost = Array.from({ length: EXECUTIONS }, (_, n) => n).filter((n) => !completed.some((f) => f.n === n));
  let duplicates = 0;
  let redelivered = 0;
  for (const r of completed) {
    const keys = [...service.effects.values()].filter((e) => e.key.startsWith(`${r.id}:`));
    const perTask = new Map<string, number>();
    for (const e of keys) perTask.set(String(e.body.step), (perTask.get(String(e.body.step)) ?? 0) + 1);
    // Two keys for one task of one execution = the effect done twice; a key delivered again is deduplicated.
    duplicates += [...perTask.values()].reduce((sum, k) => sum + Math.max(0, k - 1), 0);
    redelivered += keys.filter((e) => e.deliveries > 1).length;
  }
  const summary = {
    executions: EXECUTIONS,
    completed: completed.length,
    lost: lost.length,
    driver_errors: driverErrors.length,
    duplicate_side_effects: duplicates,
    side_effects: service.effects.size,
    redelivered_same_key: redelivered,
    unkeyed_requests: service.unkeyed,
    kills,
    requests: api.stats.requests,
    retried_tries: api.stats.retried,
    unanswered: api.stats.unanswered,
    seconds,
    errors: driverErrors.slice(0, 5).map((r) => r.error),
  };
  log(JSON.stringify(summary, null, 2));
  await writeFile(join(cluster.layout.dataDir, 'faults-summary.json'), `${JSON.stringify(summary, null, 2)}\n`);

  expect(kills.map((k) => k.name)).toEqual(['worker-1', 'api-1', 'temporal-2']);
  expect(lost).toEqual([]);
  expect(driverErrors.map((r) => r.error)).toEqual([]);
  expect(completed).toHaveLength(EXECUTIONS);
  expect(duplicates).toBe(0);
  expect(service.effects.size).toBe(2 * EXECUTIONS);
  expect(service.unkeyed).toBe(0);
  expect(api.stats.unanswered).toBe(0);
});
