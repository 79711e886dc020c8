/**
 * Registry: N definitions × V versions registered through `PUT /api/v1/workflows/{id}` (version by
 * version, C at a time), then listed through `GET /api/v1/workflows` (every page, several rounds) and
 * read through `GET /api/v1/workflows/{id}[?version=v]` (latest and random versions, mostly past the
 * API's cache). Then what the entities hold: history length and bytes, and the largest payload of
 * any history, for a sample of entities and for one "hot" definition given many large versions
 * (archives and continue-as-new), to show that nothing nears Temporal's 2 MB payload limit.
 */
import type { Client } from '@temporalio/client';
import { type BenchEnvironment, TASK_QUEUE } from '../environment';
import { DefinitionStore } from '../../src/definitions/store';
import { mapConcurrent } from '../concurrency';
import { expectStatus } from '../http-client';
import { type Distribution, distribution, round } from '../stats';
import { definitionEntityId, type DefinitionEntityStats, entityStatsQuery } from '../../src/workflows/definition-entity-messages';
import { REGISTRY_WORKFLOW_ID } from '../../src/workflows/registry-messages';

export interface RegistryOptions {
  definitions: number;
  versions: number;
  concurrency: number;
  listRounds: number;
  gets: number;
  /** Versions of the hot definition (each ~`hotBytes`). */
  hotVersions: number;
  hotBytes: number;
  log: (line: string) => void;
}

/** What one run of an entity's history holds. */
export interface EntityFootprint {
  history_length: number;
  /** Bytes of every payload in the history. */
  payload_bytes: number;
  largest_payload_bytes: number;
}

export interface RegistryResult {
  definitions: number;
  versions_each: number;
  register_s: number;
  puts_per_s: number;
  put_ms: Distribution;
  /** PUTs the API answered 503 worker_unavailable (its 5 s deadline) and the bench sent again. */
  put_retries: number;
  /** After the last put, until a listing showed every definition at its last version. */
  visible_after_s: number;
  list_page_limit: number;
  list_pages: number;
  list_all_s: number[];
  list_page_ms: Distribution;
  get_latest_ms: Distribution;
  get_version_ms: Distribution;
  /** Entities sampled for the footprint, and the worst of them. */
  sampled_entities: number;
  entity_max: EntityFootprint;
  hot: { versions: number; body_bytes: number; register_s: number; stats: DefinitionEntityStats; runs: number; largest_payload_bytes: number; get_all_s: number };
}

const LIMIT = 100;

export async function runRegistry(env: BenchEnvironment, options: RegistryOptions): Promise<RegistryResult> {
  const { definitions, versions, concurrency, log } = options;
  const ids = Array.from({ length: definitions }, (_, i) => `reg-${String(i).padStart(5, '0')}`);
  const putMs: number[] = [];
  let retries = 0;
  const put = async (id: string, description: string, padding = 0) => {
    const t0 = performance.now();
    const body = { id, name: `Registry bench ${id}`, description, tasks: [{ id: 'echo', type: 'basic', tool: 'echo', with: { note: 'x'.repeat(padding) } }] };
    // On a loaded machine a PUT may miss the API's 5 s worker deadline (503): sent again, it is
    // `200 unchanged` when the first one landed after all.
    for (let attempt = 0; ; attempt++) {
      const res = await env.http.put<{ version: number }>(`/api/v1/workflows/${id}`, body);
      if (res.status === 503 && attempt < 5) {
        retries++;
        continue;
      }
      expectStatus(res, attempt === 0 ? 201 : [200, 201], `PUT ${id}`);
      putMs.push(performance.now() - t0);
      return res.body.version;
    }
  };

  const t0 = performance.now();
  for (let v = 1; v <= versions; v++) {
    await mapConcurrent(ids, concurrency, async (id) => void (await put(id, `version ${v}`)));
    log(`  registry: version ${v} of ${definitions} definitions registered (${round((performance.now() - t0) / 1000)} s)`);
  }
  const registerS = (performance.now() - t0) / 1000;

  // Visibility shows the last puts after a moment (the API merges only its own puts of the last 10 s).
  const tVisible = performance.now();
  const pageMs: number[] = [];
  const listAll = async () => {
    const started = performance.now();
    const seen: Array<{ id: string; version: number }> = [];
    let token: string | null = null;
    let pages = 0;
    do {
      const p0 = performance.now();
      const res: { body: { items: typeof seen; next_page_token: string | null } } = expectStatus(await env.http.get<{ items: typeof seen; next_page_token: string | null }>(`/api/v1/workflows?limit=${LIMIT}${token ? `&page_token=${token}` : ''}`), 200, 'list');
      pageMs.push(performance.now() - p0);
      seen.push(...res.body.items);
      token = res.body.next_page_token;
      pages++;
    } while (token !== null);
    return { seen: seen.filter((s) => s.id.startsWith('reg-')), pages, s: (performance.now() - started) / 1000 };
  };
  for (;;) {
    const { seen } = await listAll();
    if (seen.length === definitions && seen.every((s) => s.version === versions)) break;
    if (performance.now() - tVisible > 120_000) throw new Error(`the listing shows ${seen.length} of ${definitions} definitions two minutes after the last put`);
  }
  const visibleAfterS = (performance.now() - tVisible) / 1000;
  pageMs.length = 0;
  const rounds: number[] = [];
  let pages = 0;
  for (let r = 0; r < options.listRounds; r++) {
    // Past the API's 5 s reuse of a listing scan: each round scans visibility again.
    await new Promise((resolve) => setTimeout(resolve, 5500));
    const all = await listAll();
    const order = all.seen.map((s) => s.id);
    if (order.join() !== ids.join()) throw new Error('the listing is not every definition once, in id order');
    rounds.push(round(all.s, 2));
    pages = all.pages;
  }
  log(`  registry: listed ${definitions} in ${pages} pages, ${rounds.join(' / ')} s`);

  const timed = async (path: string) => {
    const g0 = performance.now();
    expectStatus(await env.http.get(path), 200, `GET ${path}`);
    return performance.now() - g0;
  };
  const pick = (i: number) => ids[(i * 7919) % ids.length]!;
  const latestMs = await mapConcurrent(Array.from({ length: options.gets }, (_, i) => pick(i)), 8, (id) => timed(`/api/v1/workflows/${id}`));
  const versionMs = await mapConcurrent(Array.from({ length: options.gets }, (_, i) => i), 8, (i) => timed(`/api/v1/workflows/${pick(i + 13)}?version=${1 + ((i * 31) % versions)}`));

  const sample = ids.filter((_, i) => i % Math.max(1, Math.floor(ids.length / 20)) === 0);
  const footprints = await mapConcurrent(sample, 4, (id) => footprint(env.client, definitionEntityId(REGISTRY_WORKFLOW_ID, id)));
  const entityMax: EntityFootprint = {
    history_length: Math.max(...footprints.map((f) => f.history_length)),
    payload_bytes: Math.max(...footprints.map((f) => f.payload_bytes)),
    largest_payload_bytes: Math.max(...footprints.map((f) => f.largest_payload_bytes)),
  };

  // One definition with many large versions: it archives old bodies and continues as new.
  const hotId = 'reg-hot';
  const h0 = performance.now();
  for (let v = 1; v <= options.hotVersions; v++) await put(hotId, `hot ${v}`, options.hotBytes);
  const hotRegisterS = (performance.now() - h0) / 1000;
  const hotEntity = definitionEntityId(REGISTRY_WORKFLOW_ID, hotId);
  const stats = await env.client.workflow.getHandle(hotEntity).query(entityStatsQuery);
  const runs = await runsOf(env.client, hotEntity);
  let hotLargest = 0;
  for (const run of runs) hotLargest = Math.max(hotLargest, (await footprint(env.client, hotEntity, run)).largest_payload_bytes);
  // Through a store without cache (the API node cached what it stored): from the entity, or its archives.
  const fresh = new DefinitionStore({ client: env.client, taskQueue: TASK_QUEUE, cacheTtlMs: 0 });
  const g0 = performance.now();
  await mapConcurrent(Array.from({ length: options.hotVersions }, (_, i) => i + 1), 8, async (v) => {
    if ((await fresh.get(hotId, v))?.definition.version !== v) throw new Error(`version ${v} of ${hotId} does not read back`);
  });
  const hotGetAllS = (performance.now() - g0) / 1000;
  log(`  registry: hot definition ${options.hotVersions} versions, ${stats.archives} archives, run ${stats.run}, largest payload ${hotLargest} bytes`);

  return {
    definitions,
    versions_each: versions,
    register_s: round(registerS, 1),
    puts_per_s: round((definitions * versions) / registerS, 1),
    put_retries: retries,
    put_ms: distribution(putMs.slice(0, definitions * versions).map((ms) => round(ms, 2))),
    visible_after_s: round(visibleAfterS, 2),
    list_page_limit: LIMIT,
    list_pages: pages,
    list_all_s: rounds,
    list_page_ms: distribution(pageMs.map((ms) => round(ms, 2))),
    get_latest_ms: distribution(latestMs.map((ms) => round(ms, 2))),
    get_version_ms: distribution(versionMs.map((ms) => round(ms, 2))),
    sampled_entities: sample.length,
    entity_max: entityMax,
    hot: { versions: options.hotVersions, body_bytes: options.hotBytes, register_s: round(hotRegisterS, 1), stats, runs: runs.length, largest_payload_bytes: hotLargest, get_all_s: round(hotGetAllS, 2) },
  };
}

/** History length, bytes and largest payload of one run of a workflow (the current run without `runId`). */
async function footprint(client: Client, workflowId: string, runId?: string): Promise<EntityFootprint> {
  const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
  const events = history.events ?? [];
  let largest = 0;
  let bytes = 0;
  const visit = (value: unknown): void => {
    if (value === null || typeof value !== 'object') return;
    if (value instanceof Uint8Array) return;
    const payload = value as { data?: unknown; metadata?: unknown };
    if (payload.data instanceof Uint8Array && payload.metadata !== undefined) {
      largest = Math.max(largest, payload.data.length);
      bytes += payload.data.length;
      return;
    }
    for (const child of Object.values(value)) visit(child);
  };
  for (const event of events) visit(event);
  return { history_length: events.length, payload_bytes: bytes, largest_payload_bytes: largest };
}

/** Every run id of a workflow, oldest first. */
async function runsOf(client: Client, workflowId: string): Promise<string[]> {
  const runs: Array<{ runId: string; start: number }> = [];
  for await (const info of client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) runs.push({ runId: info.runId, start: info.startTime.getTime() });
  return runs.sort((a, b) => a.start - b.start).map((r) => r.runId);
}
