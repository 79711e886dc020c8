/**
 * Chains of short tasks: N = 3, 10, 40 `echo` tasks in a line, each reading the previous output, run
 * one execution at a time (latency, not throughput) by five sides in the same run — Cadenza with
 * ordinary activities, Cadenza with local activities (`local: true`), Cadenza with `set` tasks (no
 * activity), and a hand-written Temporal workflow with ordinary and with local activities
 * (bench/raw-workflow.ts). Per task: the execution's span in its history (WorkflowExecutionStarted →
 * closed) divided by N, median over the executions of a round, median over rounds. The histories also
 * give the dispatch waits (WorkflowTaskScheduled → Started, ActivityTaskScheduled → Started).
 */
import { randomUUID } from 'node:crypto';
import { CHAIN_LENGTHS, chainId, type ChainKind } from '../definitions';
import { executionTimings, type ExecutionTimings } from '../dispatch-waits';
import { type BenchEnvironment, RAW_TASK_QUEUE } from '../environment';
import { trigger } from '../executions';
import { RAW_CHAIN_TYPE, type RawChainInput } from '../raw-workflow';
import { distribution, type Distribution, median, round } from '../stats';

export const CHAIN_SIDES = ['cadenza_plain', 'cadenza_local', 'cadenza_set', 'raw_plain', 'raw_local'] as const;
export type ChainSide = (typeof CHAIN_SIDES)[number];

export interface ChainOptions {
  /** Executions per side, chain length and round. */
  executions: number;
  rounds: number;
  lengths?: readonly number[];
  log: (line: string) => void;
}

export interface ChainCell {
  /** Median over rounds of the per-round median span / N (ms). */
  ms_per_task: number;
  /** Same, from the client: trigger sent → result received, / N. */
  client_ms_per_task: number;
  span_ms: number;
  /** Dispatch waits over every execution of every round (ms). */
  workflow_task_wait_ms: Distribution;
  activity_wait_ms: Distribution;
  local_activities_per_execution: number;
  per_round_ms_per_task: number[];
}

export interface ChainResult {
  executions_per_round: number;
  rounds: number;
  lengths: number[];
  /** cells[side][N] */
  cells: Record<ChainSide, Record<string, ChainCell>>;
}

export async function runChain(env: BenchEnvironment, options: ChainOptions): Promise<ChainResult> {
  const lengths = [...(options.lengths ?? CHAIN_LENGTHS)];
  // Warm-up: each side once per length (bundles, caches, the first-execution effect).
  for (const n of lengths) for (const side of CHAIN_SIDES) await runOne(env, side, n);
  const samples = new Map<string, { timings: ExecutionTimings[]; client: number[] }[]>();
  for (let r = 0; r < options.rounds; r++) {
    for (const n of lengths) {
      // Rotate the order per round: no side always runs first or last.
      const order = CHAIN_SIDES.map((_, i) => CHAIN_SIDES[(i + r) % CHAIN_SIDES.length]!);
      for (const side of order) {
        const round: { timings: ExecutionTimings[]; client: number[] } = { timings: [], client: [] };
        for (let i = 0; i < options.executions; i++) {
          const { id, clientMs } = await runOne(env, side, n);
          round.client.push(clientMs);
          round.timings.push(await executionTimings(env.client, id));
        }
        const key = `${side}/${n}`;
        samples.set(key, [...(samples.get(key) ?? []), round]);
      }
      options.log(`  round ${r + 1}, N=${n}: ${CHAIN_SIDES.map((s) => `${s} ${round1(perTask(samples.get(`${s}/${n}`)!.at(-1)!, n))} ms/task`).join(', ')}`);
    }
  }
  const cells = Object.fromEntries(CHAIN_SIDES.map((side) => [side, Object.fromEntries(lengths.map((n) => [String(n), cell(samples.get(`${side}/${n}`) ?? [], n)]))])) as ChainResult['cells'];
  return { executions_per_round: options.executions, rounds: options.rounds, lengths, cells };
}

async function runOne(env: BenchEnvironment, side: ChainSide, n: number): Promise<{ id: string; clientMs: number }> {
  const t0 = performance.now();
  let id: string;
  if (side.startsWith('cadenza_')) {
    id = await trigger(env.http, chainId(side.slice('cadenza_'.length) as ChainKind, n), { value: 1 }, 1);
  } else {
    const args: RawChainInput = { tasks: n, local: side === 'raw_local', input: { value: 1 } };
    id = (await env.client.workflow.start(RAW_CHAIN_TYPE, { taskQueue: RAW_TASK_QUEUE, workflowId: `bench-raw-chain-${randomUUID()}`, args: [args] })).workflowId;
  }
  await env.client.workflow.getHandle(id).result();
  return { id, clientMs: performance.now() - t0 };
}

function perTask(round: { timings: ExecutionTimings[] }, n: number): number {
  return median(round.timings.map((t) => t.span_ms)) / n;
}

function cell(rounds: readonly { timings: ExecutionTimings[]; client: number[] }[], n: number): ChainCell {
  const all = rounds.flatMap((r) => r.timings);
  const perRound = rounds.map((r) => round1(perTask(r, n)));
  return {
    ms_per_task: round(median(perRound), 2),
    client_ms_per_task: round(median(rounds.map((r) => median(r.client) / n)), 2),
    span_ms: median(rounds.map((r) => median(r.timings.map((t) => t.span_ms)))),
    workflow_task_wait_ms: distribution(all.flatMap((t) => t.workflow_task_waits_ms)),
    activity_wait_ms: distribution(all.flatMap((t) => t.activity_waits_ms)),
    local_activities_per_execution: median(all.map((t) => t.local_activities)),
    per_round_ms_per_task: perRound,
  };
}

function round1(value: number): number {
  return round(value, 2);
}
