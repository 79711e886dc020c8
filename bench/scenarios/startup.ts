/**
 * Startup: `npm start` spawned with a fresh temporary data directory and free ports, timed from spawn
 * until it prints that it is ready. The Temporal CLI binary is provisioned (cached) beforehand, so
 * the figure is a start, not a build. Each run is stopped with Ctrl-C (SIGINT to its process group).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { findFreePorts } from '../../src/temporal/find-free-port';
import { ensureTemporalCli } from '../../src/temporal/provision';
import { median, round } from '../stats';

export interface StartupOptions {
  rounds: number;
  log: (line: string) => void;
}

export interface StartupResult {
  command: string;
  rounds: number;
  /** Spawn → "Cadenza is ready" on stdout, median over rounds (s). */
  ready_s: number;
  runs_s: number[];
  /** What `npm start` itself reports ("started in …"), median (s). */
  self_reported_s: number;
  /** SIGINT → process exit, median (s). */
  stop_s: number;
}

const READY_LINE = /Cadenza is ready \(started in ([\d.]+)s\)/;
const root = resolve(__dirname, '../..');

export async function runStartup(options: StartupOptions): Promise<StartupResult> {
  const cli = await ensureTemporalCli({ onProgress: (line) => options.log(`[temporal] ${line}`) });
  const runs: Array<{ ready: number; self: number; stop: number }> = [];
  for (let r = 1; r <= options.rounds; r++) {
    const run = await startOnce(cli.path);
    runs.push(run);
    options.log(`  run ${r}: ready after ${round(run.ready, 2)} s (self-reported ${run.self} s), stopped in ${round(run.stop, 2)} s`);
  }
  return {
    command: 'npm start',
    rounds: options.rounds,
    ready_s: round(median(runs.map((r) => r.ready)), 2),
    runs_s: runs.map((r) => round(r.ready, 2)),
    self_reported_s: round(median(runs.map((r) => r.self)), 2),
    stop_s: round(median(runs.map((r) => r.stop)), 2),
  };
}

async function startOnce(cliPath: string | undefined): Promise<{ ready: number; self: number; stop: number }> {
  const dataDir = await mkdtemp(join(tmpdir(), 'cadenza-bench-start-'));
  const [apiPort, temporalPort, uiPort] = await findFreePorts(3);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    CADENZA_PORT: String(apiPort),
    TEMPORAL_PORT: String(temporalPort),
    TEMPORAL_UI_PORT: String(uiPort),
    CADENZA_DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    ...(cliPath ? { TEMPORAL_CLI_PATH: cliPath } : {}),
  };
  delete env.TEMPORAL_ADDRESS;
  const t0 = performance.now();
  // Own process group: SIGINT reaches npm, tsx and node together, as a Ctrl-C in a terminal does.
  const child = spawn('npm', ['start', '--silent'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  const output: string[] = [];
  const keep = (line: string) => {
    output.push(line);
    if (output.length > 40) output.shift();
  };
  createInterface({ input: child.stderr }).on('line', keep);
  try {
    const self = await new Promise<number>((ready, fail) => {
      const timer = setTimeout(() => fail(new Error(`npm start not ready after 120 s:\n${output.join('\n')}`)), 120_000);
      createInterface({ input: child.stdout }).on('line', (line) => {
        keep(line);
        const match = READY_LINE.exec(line);
        if (match) {
          clearTimeout(timer);
          ready(Number(match[1]));
        }
      });
      void exited.then((code) => {
        clearTimeout(timer);
        fail(new Error(`npm start exited (${String(code)}) before it was ready:\n${output.join('\n')}`));
      });
    });
    const ready = (performance.now() - t0) / 1000;
    const s0 = performance.now();
    process.kill(-child.pid!, 'SIGINT');
    const stopped = await Promise.race([exited.then(() => true), new Promise<false>((done) => setTimeout(() => done(false), 30_000))]);
    if (!stopped) throw new Error('npm start did not stop within 30 s of SIGINT');
    return { ready, self, stop: (performance.now() - s0) / 1000 };
  } finally {
    if (child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    await rm(dataDir, { recursive: true, force: true });
  }
}
