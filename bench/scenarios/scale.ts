/**
 * Scale: N executions paused at once (breakpoint before their only task). Measures the process RSS
 * while they wait (worker, API and client share this process, as under `npm start`), the time to list
 * them all through `GET /api/v1/executions?status=paused` (every page), and the time to resume them
 * all through the API until every next task has started.
 */
import type { BenchEnvironment } from '../environment';
import { breakpointDefinition } from '../definitions';
import { mapConcurrent } from '../concurrency';
import { type CpuPerUnit, cpuPerUnit, cpuSnapshot, type CpuSpent, cpuSpent } from '../cpu';
import { GateCommandError } from '../gate-commands';
import { triggerMany, waitVisibleCount } from '../executions';
import { barrier } from '../barrier';
import { expectStatus } from '../http-client';
import { runScaleBaseline, type ScaleBaselineResult } from './scale-baseline';
import { median, round } from '../stats';
import { ExecutionStatus } from '../../src/workflows/states';

export interface ScaleOptions {
  paused: number;
  /** Requests in flight while triggering and resuming. */
  concurrency: number;
  /** Repetitions of the listing (cheap, so repeated; the resume of all runs once per bench). */
  listRounds: number;
  pageSize: number;
  log: (line: string) => void;
  /** How every execution is resumed: one REST command each (default), or one bulk operation. */
  resumeVia?: 'commands' | 'bulk';
  /** Also run the hand-written Temporal baseline (`scale-baseline.ts`) after Cadenza's side. */
  baseline?: boolean;
}

interface MemorySample {
  rss_mib: number;
  heap_used_mib: number;
  external_mib: number;
}

export interface ScaleResult {
  /** How every execution was resumed (`ScaleOptions.resumeVia`). */
  resume_via: 'commands' | 'bulk';
  paused: number;
  concurrency: number;
  trigger_s: number;
  triggers_per_s: number;
  /** Until visibility counted all of them paused. */
  all_paused_s: number;
  memory_before: MemorySample;
  memory_paused: MemorySample;
  /** Highest RSS seen from the first trigger to the last resumed task. */
  peak_rss_mib: number;
  cached_workflows_when_paused: number;
  list_s: number;
  list_pages: number;
  list_items: number;
  list_rounds_s: number[];
  /** First resume sent → last resume answered. */
  resume_all_accepted_s: number;
  /** First resume sent → last next-task activity started. */
  resume_all_s: number;
  resumes_per_s: number;
  /** Resumes the API answered 503 worker_unavailable (its 5 s deadline) and the bench sent again. */
  resume_retries: number;
  /** Where the cores went while triggering and while resuming (this process, the server, everything else). */
  cpu: { trigger_to_all_paused: CpuSpent; resume_all: CpuSpent; ms_per_resume: CpuPerUnit };
  /** The same N as hand-written Temporal, same run (`--scale-baseline on`); null when not run. */
  baseline: ScaleBaselineResult | null;
}

export async function runScale(env: BenchEnvironment, options: ScaleOptions): Promise<ScaleResult> {
  const { paused, concurrency, log } = options;
  global.gc?.();
  const before = memory();
  let peakRss = before.rss_mib;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, memory().rss_mib)), 250);
  try {
    await barrier('scale-trigger', log);
    const cpu0 = cpuSnapshot(env.serverPid);
    const t0 = performance.now();
    let triggered = 0;
    const progress = setInterval(() => log(`  triggered ${triggered}/${paused}`), 10_000);
    // Pinned to the version: a "latest" lookup is refreshed through the registry workflow every 2 s,
    // and behind a backlog of thousands of first workflow tasks that query misses the API's 5 s
    // deadline (503 worker_unavailable; see bench/README.md).
    const ids = await triggerMany(env.http, breakpointDefinition.id, paused, concurrency, {
      version: breakpointDefinition.version,
      onTriggered: () => triggered++,
    }).finally(() => clearInterval(progress));
    const triggerS = (performance.now() - t0) / 1000;
    log(`  ${paused} triggered in ${round(triggerS)} s`);
    await waitVisibleCount(env.client, breakpointDefinition.id, ExecutionStatus.Paused, paused, Math.max(120_000, paused * 60), (seen) => {
      if (seen < paused) log(`  paused (visibility): ${seen}/${paused}`);
    });
    const allPausedS = (performance.now() - t0) / 1000;
    const pauseCpu = cpuSpent(cpu0, cpuSnapshot(env.serverPid));
    global.gc?.();
    const whenPaused = memory();
    const cached = env.worker.getStatus().numCachedWorkflows;
    log(`  all paused after ${round(allPausedS)} s; RSS ${whenPaused.rss_mib} MiB, ${cached} workflows cached`);

    await barrier('scale-list', log);
    const listRounds: Array<{ s: number; pages: number; items: number }> = [];
    for (let r = 0; r < options.listRounds; r++) listRounds.push(await listAll(env, options.pageSize));
    const listMedian = median(listRounds.map((l) => l.s));
    const lastList = listRounds[listRounds.length - 1]!;
    log(`  listed ${lastList.items} paused in ${lastList.pages} pages: median ${round(listMedian, 2)} s`);

    await barrier('scale-resume', log);
    const startsBefore = env.starts.total;
    let retries = 0;
    const cpu1 = cpuSnapshot(env.serverPid);
    const r0 = performance.now();
    if (options.resumeVia === 'bulk') await resumeInBulk(env, ids.length, log);
    else await mapConcurrent(ids, concurrency, (id) => resumeWithRetry(env, id, () => retries++));
    const acceptedS = (performance.now() - r0) / 1000;
    await env.starts.reach(startsBefore + paused, 300_000, 'next tasks of the resumed executions');
    const resumeAllS = (performance.now() - r0) / 1000;
    const resumeCpu = cpuSpent(cpu1, cpuSnapshot(env.serverPid));
    env.starts.clear();
    log(`  resumed all: accepted in ${round(acceptedS)} s, every next task started after ${round(resumeAllS)} s (${retries} retried after 503)`);
    log(`  CPU per resume: ${round(resumeCpu.process_ms / paused, 2)} ms this process + ${round(resumeCpu.server_ms / paused, 2)} ms server; machine busy ${resumeCpu.machine_busy}, others ${resumeCpu.others_ms} ms`);
    // Cadenza's peak, before the baseline's own 10,000 executions and cache add to this process.
    const peak = peakRss;
    clearInterval(sampler);
    const baseline = options.baseline ? await runScaleBaseline(env, paused, concurrency, log) : null;
    return {
      paused,
      concurrency,
      resume_via: options.resumeVia ?? 'commands',
      trigger_s: round(triggerS, 2),
      triggers_per_s: round(paused / triggerS),
      all_paused_s: round(allPausedS, 2),
      memory_before: before,
      memory_paused: whenPaused,
      peak_rss_mib: peak,
      cached_workflows_when_paused: cached,
      list_s: round(listMedian, 3),
      list_pages: lastList.pages,
      list_items: lastList.items,
      list_rounds_s: listRounds.map((l) => round(l.s, 3)),
      resume_all_accepted_s: round(acceptedS, 2),
      resume_all_s: round(resumeAllS, 2),
      resumes_per_s: round(paused / resumeAllS),
      resume_retries: retries,
      cpu: {
        trigger_to_all_paused: pauseCpu,
        resume_all: resumeCpu,
        ms_per_resume: cpuPerUnit(resumeCpu, paused),
      },
      baseline,
    };
  } finally {
    clearInterval(sampler);
  }
}

/**
 * One bulk operation (`POST /api/v1/executions/bulk`, docs/design.md §9) resumes every paused
 * execution of the bench definition (a visibility query: 10,000 ids would not fit the body limit), at
 * the highest rate it takes; resolves when its progress says every one has an outcome.
 */
async function resumeInBulk(env: BenchEnvironment, expected: number, log: (line: string) => void): Promise<void> {
  const query = `CadenzaWorkflowId = '${breakpointDefinition.id}' AND CadenzaStatus = 'paused'`;
  const body = { action: 'resume', query, command: { mode: 'continue', reason: 'bench' }, rate_per_s: 1000 };
  const started = expectStatus(await env.http.post<{ bulk_id: string }>('/api/v1/executions/bulk', body), 202, 'bulk resume');
  const path = `/api/v1/bulk/${encodeURIComponent(started.body.bulk_id)}?limit=1&failed_only=true`;
  for (let last = Date.now(); ; await new Promise((resolve) => setTimeout(resolve, 500))) {
    const progress = expectStatus(await env.http.get<{ phase: string; total: number; done: number; failed: number }>(path), 200, 'bulk progress').body;
    if (Date.now() - last > 10_000) {
      log(`  bulk: ${progress.done}/${progress.total} done, ${progress.failed} failed`);
      last = Date.now();
    }
    if (progress.phase === 'completed') {
      if (progress.failed > 0 || progress.total !== expected) throw new Error(`bulk resume: ${progress.failed} of ${progress.total} failed (${expected} paused)`);
      return;
    }
  }
}

/**
 * A resume as a well-behaved client sends it: on 503 (the API gave up waiting for the worker) it is
 * sent again; a 409 `not_paused` then means the first attempt did apply after all.
 */
async function resumeWithRetry(env: BenchEnvironment, executionId: string, onRetry: () => void): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await env.commands.send('resume', executionId, 'mark');
      return;
    } catch (error) {
      const status = error instanceof GateCommandError ? error.status : undefined;
      if (attempt > 1 && status === 409) return;
      if (status !== 503 || attempt >= 10) throw error;
      onRetry();
    }
  }
}

/** Reads every page of `GET /api/v1/executions?status=paused` for the bench definition. */
async function listAll(env: BenchEnvironment, pageSize: number): Promise<{ s: number; pages: number; items: number }> {
  const t0 = performance.now();
  let token: string | null = null;
  let pages = 0;
  let items = 0;
  do {
    const query: string = `status=paused&workflow=${breakpointDefinition.id}&page_size=${pageSize}${token ? `&page_token=${token}` : ''}`;
    const response = expectStatus(
      await env.http.get<{ items: unknown[]; next_page_token: string | null }>(`/api/v1/executions?${query}`),
      200,
      'list paused executions',
    );
    pages++;
    items += response.body.items.length;
    token = response.body.next_page_token;
  } while (token !== null);
  return { s: (performance.now() - t0) / 1000, pages, items };
}

function memory(): MemorySample {
  const m = process.memoryUsage();
  const mib = (bytes: number) => round(bytes / 1048576);
  return { rss_mib: mib(m.rss), heap_used_mib: mib(m.heapUsed), external_mib: mib(m.external) };
}
