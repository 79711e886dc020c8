/**
 * The fault suite's chaos: `kill -9` of one process of the cluster at a time (a worker, an API node, a
 * Temporal server process), each started again once it is gone, with a pause between kills.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { RunningCluster } from '../../src/cluster/cluster';
import type { ManagedProcess } from '../../src/cluster/managed-process';

/** One kill and restart. */
export interface Kill {
  name: string;
  pid: number | undefined;
  at: string;
  /** Seconds from the kill until the process was ready again. */
  restartSeconds: number;
}

/** The processes killed in turn: worker-1, api-1, then temporal-2. */
export function victims(cluster: RunningCluster): ManagedProcess[] {
  return [cluster.workers[0], cluster.apis[0], cluster.servers[1]].filter((p): p is ManagedProcess => p !== undefined);
}

/** Kills each of `processes` with SIGKILL in turn, restarts it, waits `pauseMs` before the next. */
export async function killInTurn(processes: readonly ManagedProcess[], pauseMs: number, log: (line: string) => void): Promise<Kill[]> {
  const kills: Kill[] = [];
  for (const victim of processes) {
    await sleep(pauseMs);
    const pid = victim.pid;
    const at = new Date().toISOString();
    const started = Date.now();
    log(`kill -9 ${victim.spec.name} (pid ${String(pid)})`);
    await victim.kill9();
    await victim.start();
    const restartSeconds = Number(((Date.now() - started) / 1000).toFixed(1));
    log(`${victim.spec.name} is back (pid ${String(victim.pid)}) after ${restartSeconds}s`);
    kills.push({ name: victim.spec.name, pid, at, restartSeconds });
  }
  return kills;
}
