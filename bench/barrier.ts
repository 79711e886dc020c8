/**
 * Paired runs: two bench processes (two checkouts, or two settings) that run side by side wait for
 * each other at the same points of a scenario, so that both measure the same moments of a shared
 * machine (bench/README.md, "Paired runs"). Off unless `CADENZA_BENCH_BARRIER_DIR` names a directory
 * both processes see; `CADENZA_BENCH_BARRIER_PARTIES` says how many wait (default 2).
 */
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** How long a process waits for the others at one point before it gives up. */
const BARRIER_TIMEOUT_MS = 30 * 60_000;

/** Resolves once every party has reached the point `name` (at once when no barrier is configured). */
export async function barrier(name: string, log: (line: string) => void): Promise<void> {
  const dir = process.env.CADENZA_BENCH_BARRIER_DIR;
  if (dir === undefined || dir === '') return;
  const parties = Number(process.env.CADENZA_BENCH_BARRIER_PARTIES ?? '2');
  await writeFile(join(dir, `${name}.${process.pid}`), '');
  log(`  barrier ${name}: waiting for ${parties} parties`);
  const deadline = Date.now() + BARRIER_TIMEOUT_MS;
  while ((await readdir(dir)).filter((file) => file.startsWith(`${name}.`)).length < parties) {
    if (Date.now() > deadline) throw new Error(`barrier ${name}: the other parties did not arrive within ${BARRIER_TIMEOUT_MS / 60_000} min`);
    await sleep(20);
  }
}
