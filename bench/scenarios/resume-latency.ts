/**
 * Resume latency: from the moment the client sends a command that opens a gate to the moment the next
 * task's activity starts inside the worker (the `bench-mark` tool's `Date.now()`, same process clock).
 * Three commands: resume of a breakpoint, an approval decision, and a TaskResume of a wait task.
 * Samples are taken one at a time (latency, not throughput) over executions paused beforehand in
 * batches; each round yields p50/p95/p99 per command, and the figure is the median over rounds.
 */
import type { BenchEnvironment } from '../environment';
import { approvalDefinition, breakpointDefinition, waitDefinition } from '../definitions';
import type { GateCommand } from '../gate-commands';
import { mapConcurrent } from '../concurrency';
import { triggerMany, waitPaused } from '../executions';
import { type LatencyBreakdown, type TracedSample, traceSamples } from '../latency-trace';
import { type Distribution, distribution, medianDistribution } from '../stats';

export const LatencyKind = { Resume: 'resume', Approval: 'approval', TaskResume: 'task_resume' } as const;
export type LatencyKind = (typeof LatencyKind)[keyof typeof LatencyKind];

interface KindSpec {
  kind: LatencyKind;
  label: string;
  definitionId: string;
  command: GateCommand;
  taskId: string;
}

const kinds: readonly KindSpec[] = [
  { kind: LatencyKind.Resume, label: 'resume (breakpoint → continue)', definitionId: breakpointDefinition.id, command: 'resume', taskId: 'mark' },
  { kind: LatencyKind.Approval, label: 'approval decision → next task', definitionId: approvalDefinition.id, command: 'approve', taskId: 'approve' },
  { kind: LatencyKind.TaskResume, label: 'TaskResume (wait task) → next task', definitionId: waitDefinition.id, command: 'taskResume', taskId: 'wait' },
];

export interface ResumeLatencyOptions {
  samples: number;
  rounds: number;
  /** Executions paused ahead of each stretch of samples. */
  batch: number;
  warmup: number;
  /** Samples of each command split into segments from their histories. */
  traced: number;
  log: (line: string) => void;
}

export interface KindResult {
  label: string;
  via: string;
  /** Command sent → activity started, ms: median over rounds of each percentile. */
  to_activity_start_ms: Distribution;
  /** Command sent → API (or update) answered, ms. */
  to_response_ms: Distribution;
  rounds: Array<{ to_activity_start_ms: Distribution; to_response_ms: Distribution }>;
  /** The last samples of the last round, split by their execution histories (see latency-trace.ts). */
  breakdown: LatencyBreakdown;
}

export interface ResumeLatencyResult {
  samples_per_round: number;
  rounds: number;
  kinds: Record<LatencyKind, KindResult>;
}

export async function runResumeLatency(env: BenchEnvironment, options: ResumeLatencyOptions): Promise<ResumeLatencyResult> {
  for (const spec of kinds) await sample(env, spec, options.warmup, options.batch);
  const perKind = new Map<LatencyKind, KindResult['rounds']>(kinds.map((k) => [k.kind, []]));
  const lastSamples = new Map<LatencyKind, TracedSample[]>();
  for (let round = 1; round <= options.rounds; round++) {
    // Kinds interleave round by round, so a drift in machine load spreads over all three.
    for (const spec of kinds) {
      const { toStart, toResponse, traced } = await sample(env, spec, options.samples, options.batch);
      lastSamples.set(spec.kind, traced.slice(-options.traced));
      const result = { to_activity_start_ms: distribution(toStart), to_response_ms: distribution(toResponse) };
      perKind.get(spec.kind)!.push(result);
      options.log(`  round ${round} ${spec.kind}: p50 ${result.to_activity_start_ms.p50} ms, p95 ${result.to_activity_start_ms.p95}, p99 ${result.to_activity_start_ms.p99} (n=${toStart.length})`);
    }
  }
  const result = {} as Record<LatencyKind, KindResult>;
  for (const spec of kinds) {
    const rounds = perKind.get(spec.kind)!;
    const breakdown = await traceSamples(env.client, lastSamples.get(spec.kind) ?? []);
    result[spec.kind] = {
      breakdown,
      label: spec.label,
      via: env.commands.paths[spec.command],
      to_activity_start_ms: medianDistribution(rounds.map((r) => r.to_activity_start_ms)),
      to_response_ms: medianDistribution(rounds.map((r) => r.to_response_ms)),
      rounds,
    };
  }
  return { samples_per_round: options.samples, rounds: options.rounds, kinds: result };
}

/** Takes `count` samples of one kind: pause a batch, then open its gates one after the other. */
async function sample(env: BenchEnvironment, spec: KindSpec, count: number, batch: number): Promise<{ toStart: number[]; toResponse: number[]; traced: TracedSample[] }> {
  const toStart: number[] = [];
  const toResponse: number[] = [];
  const traced: TracedSample[] = [];
  while (toStart.length < count) {
    // Version 1 pinned: a "latest" lookup can answer 503 behind a busy worker (bench/README.md, trigger bursts).
    const ids = await triggerMany(env.http, spec.definitionId, Math.min(batch, count - toStart.length), 8, { version: 1 });
    await mapConcurrent(ids, 8, (id) => waitPaused(env.http, id));
    for (const id of ids) {
      const sentAt = Date.now();
      await env.commands.send(spec.command, id, spec.taskId);
      const answeredAt = Date.now();
      const startedAt = await env.starts.next(id, 30_000);
      toStart.push(startedAt - sentAt);
      toResponse.push(answeredAt - sentAt);
      traced.push({ executionId: id, sentAt, activityStartedAt: startedAt });
    }
  }
  return { toStart, toResponse, traced };
}
