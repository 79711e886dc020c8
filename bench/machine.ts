/**
 * What the figures were taken on, and how busy the machine was: the bench shares a 2-core machine
 * with other work (test suites), so load and competing processes are part of every result.
 */
import { readdir, readFile } from 'node:fs/promises';
import { cpus, loadavg, totalmem } from 'node:os';

export interface MachineInfo {
  cpu_model: string;
  cores: number;
  memory_gib: number;
  node: string;
  platform: string;
}

export interface LoadInfo {
  at: string;
  loadavg_1m: number;
  loadavg_5m: number;
  /** Other processes that look like test runs or Temporal servers (not this bench's own). */
  competing: string[];
}

export async function machineInfo(): Promise<MachineInfo> {
  let model = cpus()[0]?.model ?? 'unknown';
  try {
    const cpuinfo = await readFile('/proc/cpuinfo', 'utf8');
    model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? model;
  } catch {
    // Not Linux: os.cpus() it is.
  }
  return {
    cpu_model: model,
    cores: cpus().length,
    memory_gib: Math.round(totalmem() / 1024 ** 3),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
  };
}

/** Load averages and the competing processes right now; `own` are pids that belong to the bench. */
export async function loadInfo(own: ReadonlySet<number> = new Set()): Promise<LoadInfo> {
  const [one, five] = loadavg();
  return { at: new Date().toISOString(), loadavg_1m: round2(one ?? 0), loadavg_5m: round2(five ?? 0), competing: await competingProcesses(own) };
}

async function competingProcesses(own: ReadonlySet<number>): Promise<string[]> {
  let entries: string[];
  try {
    entries = await readdir('/proc');
  } catch {
    return [];
  }
  const found: string[] = [];
  for (const entry of entries) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid || own.has(pid)) continue;
    let cmdline: string;
    try {
      cmdline = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).replace(/\0/g, ' ').trim();
    } catch {
      continue;
    }
    if (/jest|temporal server start-dev|tsc |eslint/.test(cmdline)) found.push(`${pid} ${cmdline.slice(0, 120)}`);
  }
  return found;
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
