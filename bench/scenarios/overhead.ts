/**
 * Overhead against raw Temporal: executions/s of a 3-task linear definition through Cadenza (REST
 * trigger, run to completion) against the same three activities in a hand-written workflow started
 * with the client (bench/raw-workflow.ts, on a worker built with the same options), at the same
 * concurrency, in the same run. Rounds alternate which side goes first; the figure is the median over rounds.
 */
import { randomUUID } from 'node:crypto';
import { cpuSnapshot, type CpuSpent, cpuSpent } from '../cpu';
import { linearDefinition } from '../definitions';
import { type BenchEnvironment, RAW_TASK_QUEUE } from '../environment';
import { trigger } from '../executions';
import { RAW_WORKFLOW_TYPE } from '../raw-workflow';
import { mapConcurrent } from '../concurrency';
import { distribution, type Distribution, median, round } from '../stats';

export interface OverheadOptions {
  /** Executions per side per round. */
  executions: number;
  concurrency: number;
  rounds: number;
  warmup: number;
  /** Both by default; one side alone is for profiling it (the ratio is then NaN). */
  sides: readonly Side[];
  log: (line: string) => void;
}

interface SideRound {
  executions_per_s: number;
  /** Start → completion of one execution, as the client sees it (ms). */
  latency_ms: Distribution;
  cpu: CpuSpent;
  /** CPU ms per execution: this process (worker + API + client) and the Temporal server. */
  cpu_ms_per_execution: { process: number; server: number };
}

export interface OverheadResult {
  executions_per_round: number;
  concurrency: number;
  rounds: number;
  cadenza_executions_per_s: number;
  raw_executions_per_s: number;
  /** Median over rounds of each round's Cadenza/raw. */
  ratio: number;
  cadenza_latency_p50_ms: number;
  raw_latency_p50_ms: number;
  /** Median over rounds of CPU ms per execution. */
  cadenza_cpu_ms_per_execution: { process: number; server: number };
  raw_cpu_ms_per_execution: { process: number; server: number };
  /** Median share of both cores busy while measuring, and of it, what other work on the machine used. */
  machine_busy: number;
  others_cpu_share: number;
  per_round: Array<{ first: 'cadenza' | 'raw'; cadenza: SideRound; raw: SideRound; ratio: number }>;
}

export type Side = 'cadenza' | 'raw';

export async function runOverhead(env: BenchEnvironment, options: OverheadOptions): Promise<OverheadResult> {
  for (const side of options.sides) await runSide(env, side, options.warmup, options.concurrency);
  const perRound: OverheadResult['per_round'] = [];
  for (let r = 1; r <= options.rounds; r++) {
    const order = (r % 2 === 1 ? ['cadenza', 'raw'] as const : ['raw', 'cadenza'] as const).filter((side) => options.sides.includes(side));
    const results: Record<Side, SideRound> = { cadenza: notRun(), raw: notRun() };
    for (const side of order) results[side] = await runSide(env, side, options.executions, options.concurrency);
    const ratio = round(results.cadenza.executions_per_s / results.raw.executions_per_s, 3);
    perRound.push({ first: order[0]!, cadenza: results.cadenza, raw: results.raw, ratio });
    const cpu = (s: SideRound) => `cpu/exec ${s.cpu_ms_per_execution.process}+${s.cpu_ms_per_execution.server} ms, busy ${s.cpu.machine_busy}`;
    options.log(`  round ${r}: cadenza ${results.cadenza.executions_per_s}/s (${cpu(results.cadenza)}), raw ${results.raw.executions_per_s}/s (${cpu(results.raw)}), ratio ${ratio}`);
  }
  return {
    executions_per_round: options.executions,
    concurrency: options.concurrency,
    rounds: options.rounds,
    cadenza_executions_per_s: round(median(perRound.map((p) => p.cadenza.executions_per_s))),
    raw_executions_per_s: round(median(perRound.map((p) => p.raw.executions_per_s))),
    ratio: round(median(perRound.map((p) => p.ratio)), 3),
    cadenza_latency_p50_ms: median(perRound.map((p) => p.cadenza.latency_ms.p50)),
    raw_latency_p50_ms: median(perRound.map((p) => p.raw.latency_ms.p50)),
    cadenza_cpu_ms_per_execution: medianCpu(perRound.map((p) => p.cadenza)),
    raw_cpu_ms_per_execution: medianCpu(perRound.map((p) => p.raw)),
    machine_busy: median(perRound.flatMap((p) => [p.cadenza.cpu.machine_busy, p.raw.cpu.machine_busy])),
    others_cpu_share: round(median(perRound.flatMap((p) => [p.cadenza.cpu, p.raw.cpu].map((c) => c.others_ms / Math.max(1, c.process_ms + c.server_ms + c.others_ms)))), 3),
    per_round: perRound,
  };
}

async function runSide(env: BenchEnvironment, side: Side, count: number, concurrency: number): Promise<SideRound> {
  const cpuBefore = cpuSnapshot(env.serverPid);
  const started = performance.now();
  const latencies = await mapConcurrent(Array.from({ length: count }), concurrency, async (_, i) => {
    const t0 = performance.now();
    const id = side === 'cadenza' ? await trigger(env.http, linearDefinition.id, { value: i }, 1) : await startRaw(env, i);
    await env.client.workflow.getHandle(id).result();
    return performance.now() - t0;
  });
  const seconds = (performance.now() - started) / 1000;
  const cpu = cpuSpent(cpuBefore, cpuSnapshot(env.serverPid));
  return {
    executions_per_s: round(count / seconds),
    latency_ms: distribution(latencies.map((l) => round(l))),
    cpu,
    cpu_ms_per_execution: { process: round(cpu.process_ms / count, 2), server: round(cpu.server_ms / count, 2) },
  };
}

async function startRaw(env: BenchEnvironment, value: number): Promise<string> {
  const handle = await env.client.workflow.start(RAW_WORKFLOW_TYPE, {
    taskQueue: RAW_TASK_QUEUE,
    workflowId: `bench-raw-${randomUUID()}`,
    args: [{ input: { value } }],
  });
  return handle.workflowId;
}

function medianCpu(sides: readonly SideRound[]): { process: number; server: number } {
  return {
    process: round(median(sides.map((s) => s.cpu_ms_per_execution.process)), 2),
    server: round(median(sides.map((s) => s.cpu_ms_per_execution.server)), 2),
  };
}

function notRun(): SideRound {
  return {
    executions_per_s: Number.NaN,
    latency_ms: distribution([]),
    cpu: { wall_ms: 0, process_ms: 0, server_ms: 0, others_ms: 0, machine_busy: 0 },
    cpu_ms_per_execution: { process: Number.NaN, server: Number.NaN },
  };
}
