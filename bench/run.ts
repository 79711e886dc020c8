/**
 * `npm run bench` — Cadenza's benchmarks on one machine: resume latency, overhead against raw
 * Temporal, N executions paused at once, N definitions × V versions in the registry, and `npm start` startup. Writes `latest.json` and
 * `latest.md` (bench/results unless `--out`) and prints the table. See bench/README.md.
 *
 *   npm run bench                          the full bench (10,000 paused, ≥ 500 samples per latency)
 *   npm run bench -- --smoke               a few seconds' worth of everything (CI), written to a temp dir
 *   npm run bench -- --only latency,scale --paused 2000 --max-cached-workflows 5000
 *   npm run bench -- --only registry --definitions 2000 --versions 10
 */
import { mkdir, mkdtemp, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { BenchEnvironment, type WorkerTuning } from './environment';
import { type LoadInfo, loadInfo, machineInfo } from './machine';
import { type BenchResults, checkTargets, RESULTS_SCHEMA, renderMarkdown } from './report';
import { runChain } from './scenarios/chain';
import { runOverhead, type Side } from './scenarios/overhead';
import { runResumeLatency } from './scenarios/resume-latency';
import { runRegistry } from './scenarios/registry';
import { runScale } from './scenarios/scale';
import { runStartup } from './scenarios/startup';
import { workflowPreloadModules } from '../src/worker/create-worker';

const Scenario = { Latency: 'latency', Overhead: 'overhead', Chain: 'chain', Scale: 'scale', Registry: 'registry', Startup: 'startup' } as const;
type Scenario = (typeof Scenario)[keyof typeof Scenario];
const allScenarios = Object.values(Scenario);

interface Parameters {
  smoke: boolean;
  only: Scenario[];
  out: string | undefined;
  samples: number;
  latencyRounds: number;
  batch: number;
  overheadExecutions: number;
  overheadRounds: number;
  concurrency: number;
  paused: number;
  scaleConcurrency: number;
  /** `--scale-resume commands|bulk`: how the scale scenario resumes everything. */
  scaleResume: 'commands' | 'bulk';
  /** `--scale-baseline on|off`: also resume N hand-written Temporal workflows in the same run (default on). */
  scaleBaseline: boolean;
  definitions: number;
  versions: number;
  registryConcurrency: number;
  startupRounds: number;
  overheadSides: Side[];
  eagerActivities: boolean;
  preloadModules: string[];
  tuning: WorkerTuning;
  chainExecutions: number;
  chainRounds: number;
  chainLengths: number[] | undefined;
  /** `--dynamic-config key=value` (repeatable): more dev server settings, values parsed as JSON. */
  dynamicConfig: Record<string, unknown>;
}

/**
 * The settings the bench runs with unless told otherwise: what the targets need (measured, see
 * bench/README.md) and what the lead is asked to make Cadenza's defaults. `--preload none
 * --eager-activities off --max-cached-workflows sdk` measures Cadenza as it ships today.
 */
const RECOMMENDED = { preload: 'workflows', maxCachedWorkflows: 1000, eagerActivities: true } as const;

/** Short names for `--preload`: what each puts in the bundler's `preloadModules`. */
const libraries = ['@marcbachmann/cel-js', '@cfworker/json-schema'];
const preloadSets: Record<string, string[]> = {
  cel: ['@marcbachmann/cel-js'],
  // The third-party libraries workflow code uses; both are stateless per call.
  libraries,
  // Plus Cadenza's expression layer: its CEL environment and compiled-expression cache are pure
  // (what createCadenzaWorker shipped until 2026-12-01).
  expressions: [...libraries, require.resolve('../src/definitions/expressions'), require.resolve('../src/definitions/templates')],
  // All of Cadenza's workflow code: what createCadenzaWorker ships (workflowPreloadModules).
  workflows: [...workflowPreloadModules],
};

function parameters(argv: string[]): Parameters {
  const { values } = parseArgs({
    args: argv,
    options: {
      smoke: { type: 'boolean', default: false },
      only: { type: 'string' },
      out: { type: 'string' },
      samples: { type: 'string' },
      rounds: { type: 'string' },
      paused: { type: 'string' },
      concurrency: { type: 'string' },
      'overhead-executions': { type: 'string' },
      'overhead-sides': { type: 'string' },
      'scale-concurrency': { type: 'string' },
      'scale-resume': { type: 'string' },
      'scale-baseline': { type: 'string' },
      definitions: { type: 'string' },
      versions: { type: 'string' },
      'registry-concurrency': { type: 'string' },
      'startup-rounds': { type: 'string' },
      'eager-activities': { type: 'string' },
      preload: { type: 'string' },
      'max-cached-workflows': { type: 'string' },
      'reuse-v8-context': { type: 'string' },
      'wft-slots': { type: 'string' },
      'activity-slots': { type: 'string' },
      'chain-executions': { type: 'string' },
      'chain-rounds': { type: 'string' },
      'chain-lengths': { type: 'string' },
      'dynamic-config': { type: 'string', multiple: true },
    },
  });
  const smoke = values.smoke ?? false;
  const int = (name: string, value: string | undefined, fallback: number): number => {
    if (value === undefined) return fallback;
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, got "${value}"`);
    return n;
  };
  const flag = (name: string, value: string | undefined, fallback: boolean): boolean => {
    if (value === undefined) return fallback;
    if (value === 'on' || value === 'true') return true;
    if (value === 'off' || value === 'false') return false;
    throw new Error(`--${name} must be on or off, got "${value}"`);
  };
  const only = (values.only ?? allScenarios.join(',')).split(',').map((s) => s.trim());
  for (const s of only) if (!allScenarios.includes(s as Scenario)) throw new Error(`--only: unknown scenario "${s}" (known: ${allScenarios.join(', ')})`);
  const sides = (values['overhead-sides'] ?? 'cadenza,raw').split(',').map((s) => s.trim());
  for (const s of sides) if (s !== 'cadenza' && s !== 'raw') throw new Error(`--overhead-sides: unknown side "${s}" (cadenza, raw)`);
  const rounds = int('rounds', values.rounds, smoke ? 1 : 3);
  // `sdk` leaves the SDK's own default (derived from the heap limit).
  const maxCached = values['max-cached-workflows'];
  const tuning: WorkerTuning = maxCached === 'sdk' ? {} : { maxCachedWorkflows: int('max-cached-workflows', maxCached, RECOMMENDED.maxCachedWorkflows) };
  if (values['reuse-v8-context'] !== undefined) tuning.reuseV8Context = flag('reuse-v8-context', values['reuse-v8-context'], true);
  if (values['wft-slots'] !== undefined) tuning.maxConcurrentWorkflowTaskExecutions = int('wft-slots', values['wft-slots'], 0);
  if (values['activity-slots'] !== undefined) tuning.maxConcurrentActivityTaskExecutions = int('activity-slots', values['activity-slots'], 0);
  return {
    smoke,
    only: only as Scenario[],
    out: values.out,
    samples: int('samples', values.samples, smoke ? 20 : 500),
    latencyRounds: rounds,
    batch: smoke ? 10 : 50,
    overheadExecutions: int('overhead-executions', values['overhead-executions'], smoke ? 20 : 400),
    overheadRounds: rounds,
    concurrency: int('concurrency', values.concurrency, smoke ? 4 : 16),
    paused: int('paused', values.paused, smoke ? 50 : 10_000),
    scaleConcurrency: int('scale-concurrency', values['scale-concurrency'], smoke ? 8 : 32),
    scaleResume: values['scale-resume'] === 'bulk' ? 'bulk' : 'commands',
    scaleBaseline: flag('scale-baseline', values['scale-baseline'], true),
    definitions: int('definitions', values.definitions, smoke ? 20 : 2000),
    versions: int('versions', values.versions, smoke ? 2 : 10),
    registryConcurrency: int('registry-concurrency', values['registry-concurrency'], smoke ? 4 : 8),
    overheadSides: sides as Side[],
    startupRounds: int('startup-rounds', values['startup-rounds'], smoke ? 1 : 3),
    eagerActivities: flag('eager-activities', values['eager-activities'], RECOMMENDED.eagerActivities),
    preloadModules: preloadOf(values.preload ?? RECOMMENDED.preload),
    tuning,
    chainExecutions: int('chain-executions', values['chain-executions'], smoke ? 2 : 10),
    chainRounds: int('chain-rounds', values['chain-rounds'], smoke ? 1 : 5),
    chainLengths: values['chain-lengths']?.split(',').map((n) => int('chain-lengths', n.trim(), 0)),
    dynamicConfig: Object.fromEntries((values['dynamic-config'] ?? []).map(dynamicConfigEntry)),
  };
}

function dynamicConfigEntry(text: string): [string, unknown] {
  const at = text.indexOf('=');
  if (at < 1) throw new Error(`--dynamic-config must be key=value, got "${text}"`);
  const raw = text.slice(at + 1);
  try {
    return [text.slice(0, at), JSON.parse(raw) as unknown];
  } catch {
    return [text.slice(0, at), raw];
  }
}

function preloadOf(value: string | undefined): string[] {
  if (value === undefined || value === 'none') return [];
  const set = preloadSets[value];
  if (!set) throw new Error(`--preload must be none, ${Object.keys(preloadSets).join(' or ')}; got "${value}"`);
  return set;
}

async function main(): Promise<void> {
  const p = parameters(process.argv.slice(2));
  const log = (line: string): void => void process.stderr.write(`${line}\n`);
  // The SDK's warnings, the native core's included (forwarded; by default core prints them to stdout),
  // go to stderr with the progress lines: stdout carries only the table (latest.md).
  Runtime.install({
    logger: new DefaultLogger('WARN', (entry) => log(`[temporal ${entry.level}] ${entry.message}`)),
    telemetryOptions: { logging: { filter: { core: 'WARN', other: 'WARN' }, forward: {} } },
  });
  const startedAt = new Date();
  const machine = await machineInfo();
  const before = await loadInfo();
  log(`bench (${p.smoke ? 'smoke' : 'full'}): ${p.only.join(', ')} on ${machine.cpu_model}, ${machine.cores} cores; load ${before.loadavg_1m}/${before.loadavg_5m}, ${before.competing.length} competing processes`);

  const errors: Partial<Record<Scenario, string>> = {};
  // A failed scenario is recorded and the others still run: a long bench should not lose everything.
  const attempt = async <T>(scenario: Scenario, run: () => Promise<T>): Promise<T | null> => {
    try {
      return await run();
    } catch (error) {
      errors[scenario] = error instanceof Error ? error.message : String(error);
      log(`${scenario} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      return null;
    }
  };
  const results: Omit<BenchResults, 'finished_at' | 'duration_s' | 'load' | 'targets' | 'errors'> = {
    schema: RESULTS_SCHEMA,
    mode: p.smoke ? 'smoke' : 'full',
    started_at: startedAt.toISOString(),
    machine,
    settings: null,
    parameters: { ...p },
    resume_latency: null,
    overhead: null,
    chain: null,
    scale: null,
    registry: null,
    startup: null,
  };

  // First, alone: `npm start` starts its own dev server, which must not compete with the bench's.
  if (p.only.includes(Scenario.Startup)) {
    log('startup: npm start …');
    results.startup = await attempt(Scenario.Startup, () => runStartup({ rounds: p.startupRounds, log }));
  }

  const needsEnvironment = p.only.some((s) => s !== Scenario.Startup);
  const during: LoadInfo[] = [];
  if (needsEnvironment) {
    const env = await BenchEnvironment.start({ tuning: p.tuning, eagerActivities: p.eagerActivities, dynamicConfig: p.dynamicConfig, preloadModules: p.preloadModules, httpSockets: Math.max(p.concurrency, p.scaleConcurrency) * 2, log });
    const census = async (): Promise<void> => void during.push(await loadInfo(new Set(env.serverPid === undefined ? [] : [env.serverPid])));
    try {
      results.settings = env.settings;
      log(`gate commands via: ${JSON.stringify(env.commands.paths)}`);
      if (p.only.includes(Scenario.Latency)) {
        await census();
        log(`resume latency: ${p.samples} samples × ${p.latencyRounds} rounds per command …`);
        results.resume_latency = await attempt(Scenario.Latency, () => runResumeLatency(env, { samples: p.samples, rounds: p.latencyRounds, batch: p.batch, warmup: p.smoke ? 3 : 30, traced: p.smoke ? 5 : 100, log }));
      }
      if (p.only.includes(Scenario.Overhead)) {
        await census();
        log(`overhead: ${p.overheadExecutions} executions × ${p.overheadRounds} rounds per side, concurrency ${p.concurrency} …`);
        results.overhead = await attempt(Scenario.Overhead, () => runOverhead(env, { executions: p.overheadExecutions, concurrency: p.concurrency, rounds: p.overheadRounds, warmup: p.smoke ? 4 : 40, sides: p.overheadSides, log }));
      }
      if (p.only.includes(Scenario.Chain)) {
        await census();
        log(`chain: N = ${(p.chainLengths ?? [3, 10, 40]).join(', ')}, ${p.chainExecutions} executions × ${p.chainRounds} rounds per side, one at a time …`);
        results.chain = await attempt(Scenario.Chain, () => runChain(env, { executions: p.chainExecutions, rounds: p.chainRounds, ...(p.chainLengths && { lengths: p.chainLengths }), log }));
      }
      if (p.only.includes(Scenario.Scale)) {
        await census();
        log(`scale: ${p.paused} paused at once …`);
        results.scale = await attempt(Scenario.Scale, () => runScale(env, { paused: p.paused, concurrency: p.scaleConcurrency, listRounds: p.smoke ? 1 : 3, pageSize: 1000, resumeVia: p.scaleResume, baseline: p.scaleBaseline, log }));
      }
      if (p.only.includes(Scenario.Registry)) {
        await census();
        log(`registry: ${p.definitions} definitions × ${p.versions} versions …`);
        const sizes = p.smoke ? { gets: 20, hotVersions: 8 } : { gets: 500, hotVersions: 200 };
        results.registry = await attempt(Scenario.Registry, () =>
          runRegistry(env, { definitions: p.definitions, versions: p.versions, concurrency: p.registryConcurrency, listRounds: p.smoke ? 1 : 3, ...sizes, hotBytes: 20_000, log }),
        );
      }
    } finally {
      await env.close();
    }
  }

  const finishedAt = new Date();
  const full: BenchResults = {
    ...results,
    finished_at: finishedAt.toISOString(),
    duration_s: Math.round((finishedAt.getTime() - startedAt.getTime()) / 100) / 10,
    load: { before, during, after: await loadInfo() },
    targets: [],
    errors,
  };
  full.targets = checkTargets(full);
  const markdown = renderMarkdown(full);
  const outDir = p.out ? resolve(p.out) : p.smoke ? await mkdtemp(join(tmpdir(), 'cadenza-bench-smoke-')) : resolve(__dirname, 'results');
  await mkdir(outDir, { recursive: true });
  await writeAtomically(join(outDir, 'latest.json'), `${JSON.stringify(full, null, 2)}\n`);
  await writeAtomically(join(outDir, 'latest.md'), markdown);
  process.stdout.write(markdown);
  log(`results written to ${join(outDir, 'latest.json')} and latest.md (${full.duration_s} s)`);
  if (Object.keys(errors).length > 0) throw new Error(`scenarios failed: ${Object.keys(errors).join(', ')}`);
}

/** Written aside, then renamed: a reader never sees half a file. */
async function writeAtomically(path: string, content: string): Promise<void> {
  const partial = `${path}.${process.pid}.tmp`;
  await writeFile(partial, content);
  await rename(partial, path);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
