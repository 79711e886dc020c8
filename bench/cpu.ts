/**
 * CPU time accounting: this process (worker, API and bench client, all threads), the Temporal dev
 * server, and the whole machine (/proc/stat), so a figure can say where the cores went — and how
 * much went to other people's work on a shared machine.
 */
import { readFileSync } from 'node:fs';

/** Clock ticks per second of /proc times (USER_HZ; 100 on Linux). */
const TICKS_PER_S = 100;

export interface CpuSnapshot {
  at: number;
  process_ms: number;
  server_ms: number;
  machine_busy_ms: number;
  machine_total_ms: number;
}

export interface CpuSpent {
  wall_ms: number;
  process_ms: number;
  server_ms: number;
  /** Busy CPU time of everything else on the machine (other people's tests, the kernel…). */
  others_ms: number;
  /** Share of all cores busy over the span, 0..1. */
  machine_busy: number;
}

export function cpuSnapshot(serverPid: number | undefined): CpuSnapshot {
  const usage = process.cpuUsage();
  const machine = machineTimes();
  return {
    at: performance.now(),
    process_ms: (usage.user + usage.system) / 1000,
    server_ms: serverPid === undefined ? 0 : pidCpuMs(serverPid),
    machine_busy_ms: machine.busy,
    machine_total_ms: machine.total,
  };
}

export function cpuSpent(from: CpuSnapshot, to: CpuSnapshot): CpuSpent {
  const process = to.process_ms - from.process_ms;
  const server = to.server_ms - from.server_ms;
  const busy = to.machine_busy_ms - from.machine_busy_ms;
  const total = to.machine_total_ms - from.machine_total_ms;
  return {
    wall_ms: Math.round(to.at - from.at),
    process_ms: Math.round(process),
    server_ms: Math.round(server),
    others_ms: Math.max(0, Math.round(busy - process - server)),
    machine_busy: total > 0 ? Math.round((busy / total) * 1000) / 1000 : 0,
  };
}

/** CPU time of this process and of the server per unit of work (e.g. per resume), in ms to 0.01. */
export interface CpuPerUnit {
  process: number;
  server: number;
}

export function cpuPerUnit(spent: CpuSpent, units: number): CpuPerUnit {
  const per = (ms: number) => Math.round((ms / units) * 100) / 100;
  return { process: per(spent.process_ms), server: per(spent.server_ms) };
}

/** utime + stime of a process, in ms; 0 when it cannot be read. */
function pidCpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name; utime and stime are the 14th and 15th overall.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) / TICKS_PER_S) * 1000;
  } catch {
    return 0;
  }
}

/** Busy and total CPU time of all cores, in ms (idle and iowait count as not busy). */
function machineTimes(): { busy: number; total: number } {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
    const ticks = line.trim().split(/\s+/).slice(1).map(Number);
    const total = ticks.slice(0, 8).reduce((a, b) => a + b, 0);
    const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
    return { busy: ((total - idle) / TICKS_PER_S) * 1000, total: (total / TICKS_PER_S) * 1000 };
  } catch {
    return { busy: 0, total: 0 };
  }
}
