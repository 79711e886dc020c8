/**
 * Keeps the benchmark from rotting: runs `bench/run.ts --smoke` (every scenario, tiny sizes, its own
 * dev server and one `npm start`) and checks the files it writes and their shape. The figures
 * themselves are not judged here: a CI machine's load says nothing about Cadenza.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { BenchResults } from '../../bench/report';

const root = resolve(__dirname, '../..');

jest.setTimeout(300_000);

let outDir: string;
let run: { code: number | null; stdout: string; stderr: string };

beforeAll(async () => {
  outDir = await mkdtemp(join(tmpdir(), 'cadenza-bench-smoke-test-'));
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.TEMPORAL_ADDRESS;
  const child = spawn(join(root, 'node_modules/.bin/tsx'), ['bench/run.ts', '--smoke', '--out', outDir], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((done) => child.once('exit', (c) => done(c)));
  run = { code, stdout, stderr };
});

afterAll(async () => {
  await rm(outDir, { recursive: true, force: true });
});

const finite = (value: unknown): boolean => typeof value === 'number' && Number.isFinite(value);

test('the smoke bench exits 0 and prints the markdown table', () => {
  if (run.code !== 0) throw new Error(`bench exited ${String(run.code)}:\n${run.stderr.slice(-4000)}`);
  expect(run.stdout).toContain('| Figure | Value | Target | Met |');
});

test('latest.json holds every scenario with the agreed shape', async () => {
  const results = JSON.parse(await readFile(join(outDir, 'latest.json'), 'utf8')) as BenchResults;
  expect(results.schema).toBe('cadenza-bench/1');
  expect(results.mode).toBe('smoke');
  expect(results.errors).toEqual({});
  expect(results.machine.cores).toBeGreaterThan(0);
  expect(results.load.during.length).toBeGreaterThan(0);
  expect(results.settings?.worker).toHaveProperty('maxCachedWorkflows');

  const kinds = results.resume_latency!.kinds;
  expect(Object.keys(kinds).sort()).toEqual(['approval', 'resume', 'task_resume']);
  for (const kind of Object.values(kinds)) {
    expect(kind.to_activity_start_ms.n).toBeGreaterThanOrEqual(20);
    for (const p of [kind.to_activity_start_ms.p50, kind.to_activity_start_ms.p95, kind.to_activity_start_ms.p99]) {
      expect(finite(p) && p >= 0).toBe(true);
    }
    expect(kind.to_activity_start_ms.p50).toBeLessThanOrEqual(kind.to_activity_start_ms.p99);
    expect(['rest', 'temporal-client']).toContain(kind.via);
  }

  const overhead = results.overhead!;
  expect(overhead.cadenza_executions_per_s).toBeGreaterThan(0);
  expect(overhead.raw_executions_per_s).toBeGreaterThan(0);
  expect(finite(overhead.ratio)).toBe(true);

  const scale = results.scale!;
  expect(scale.paused).toBe(50);
  expect(scale.list_items).toBe(50);
  expect(scale.peak_rss_mib).toBeGreaterThan(0);
  expect(scale.resume_all_s).toBeGreaterThan(0);

  const chain = results.chain!;
  expect(chain.lengths).toEqual([3, 10, 40]);
  expect(Object.keys(chain.cells).sort()).toEqual(['cadenza_local', 'cadenza_plain', 'cadenza_set', 'raw_local', 'raw_plain']);
  for (const cells of Object.values(chain.cells)) {
    for (const cell of Object.values(cells)) expect(finite(cell.ms_per_task) && cell.ms_per_task > 0).toBe(true);
  }
  // Ordinary activities go through the task queue; local and set tasks do not.
  expect(chain.cells.cadenza_plain['10']!.activity_wait_ms.n).toBeGreaterThanOrEqual(10);
  expect(chain.cells.cadenza_local['10']!.activity_wait_ms.n).toBe(0);
  expect(chain.cells.cadenza_local['10']!.local_activities_per_execution).toBe(10);
  expect(chain.cells.cadenza_set['10']!.local_activities_per_execution).toBe(0);

  const registry = results.registry!;
  expect([registry.definitions, registry.versions_each, registry.list_pages]).toEqual([20, 2, 1]);
  expect(registry.put_ms.n).toBe(40);
  expect(registry.get_version_ms.p50).toBeGreaterThan(0);
  expect(registry.entity_max.largest_payload_bytes).toBeGreaterThan(0);
  expect(registry.hot.stats.versions).toBe(8);

  expect(results.startup!.ready_s).toBeGreaterThan(0);

  // 7 figures, 3 per chain length and the registry's largest payload.
  expect(results.targets.map((t) => t.figure)).toHaveLength(17);
  for (const target of results.targets) expect(typeof target.met).toBe('boolean');
});

test('latest.md is the table the run printed', async () => {
  const markdown = await readFile(join(outDir, 'latest.md'), 'utf8');
  expect(markdown).toBe(run.stdout);
  expect(markdown).toMatch(/### Resume latency/);
  expect(markdown).toMatch(/### Overhead/);
  expect(markdown).toMatch(/### Chains of N tasks/);
  expect(markdown).toMatch(/### Scale: 50 executions paused at once/);
  expect(markdown).toMatch(/### Registry: 20 definitions × 2 versions/);
  expect(markdown).toMatch(/### Startup/);
});
