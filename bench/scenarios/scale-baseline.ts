/**
 * The scale scenario's baseline: the same N executions as hand-written Temporal (bench/raw-workflow.ts
 * `rawPaused`: wait for a `resume` update, run the one `bench-mark` task, complete), on the raw
 * worker of the same process and server, started and resumed straight through the Temporal client
 * with as many in flight as a bulk operation has (16 lanes). What Cadenza costs on top — API, gates,
 * journal, search attributes — is the difference to the Cadenza side of the same run.
 */
import { WorkflowIdReusePolicy } from '@temporalio/client';
import type { BenchEnvironment } from '../environment';
import { RAW_TASK_QUEUE } from '../environment';
import { MARK_TOOL_ID } from '../activity-starts';
import { mapConcurrent } from '../concurrency';
import { type CpuPerUnit, cpuPerUnit, cpuSnapshot, type CpuSpent, cpuSpent } from '../cpu';
import { RAW_PAUSED_TYPE, rawResumeUpdate } from '../raw-workflow';
import { round } from '../stats';

export interface ScaleBaselineResult {
  paused: number;
  start_s: number;
  /** Until the raw worker's task queue had no backlog left (every execution waits for its update). */
  all_waiting_s: number;
  /** First resume sent → last next-task activity started. */
  resume_all_s: number;
  resumes_per_s: number;
  cpu: { resume_all: CpuSpent; ms_per_resume: CpuPerUnit };
}

// temporal.api.enums.v1.TaskQueueType (as in src/api/readiness.ts: @temporalio/proto is not a direct dependency).
const TASK_QUEUE_TYPE_WORKFLOW = 1;

/** Resume lanes: the most commands a bulk operation has in flight (src/activities/bulk.ts). */
const LANES = 16;

export async function runScaleBaseline(env: BenchEnvironment, paused: number, concurrency: number, log: (line: string) => void): Promise<ScaleBaselineResult> {
  const prefix = `raw-paused-${Date.now()}`;
  const ids = Array.from({ length: paused }, (_, i) => `${prefix}-${i}`);
  const t0 = performance.now();
  await mapConcurrent(ids, concurrency, (workflowId) =>
    env.client.workflow.start(RAW_PAUSED_TYPE, { taskQueue: RAW_TASK_QUEUE, workflowId, args: [{ tool: MARK_TOOL_ID }], workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE }),
  );
  const startS = (performance.now() - t0) / 1000;
  log(`  baseline: ${paused} raw workflows started in ${round(startS)} s`);
  await backlogDrained(env);
  const allWaitingS = (performance.now() - t0) / 1000;
  log(`  baseline: all waiting after ${round(allWaitingS)} s`);

  const startsBefore = env.starts.total;
  const cpu0 = cpuSnapshot(env.serverPid);
  const r0 = performance.now();
  await mapConcurrent(ids, LANES, (workflowId) => env.client.workflow.getHandle(workflowId).executeUpdate(rawResumeUpdate, { args: ['bench'] }));
  await env.starts.reach(startsBefore + paused, 300_000, 'baseline: next tasks of the resumed workflows');
  const resumeAllS = (performance.now() - r0) / 1000;
  const resumeCpu = cpuSpent(cpu0, cpuSnapshot(env.serverPid));
  const perResume = cpuPerUnit(resumeCpu, paused);
  env.starts.clear();
  log(`  baseline: resumed all in ${round(resumeAllS)} s; CPU per resume ${perResume.process} + ${perResume.server} ms`);
  return {
    paused,
    start_s: round(startS, 2),
    all_waiting_s: round(allWaitingS, 2),
    resume_all_s: round(resumeAllS, 2),
    resumes_per_s: round(paused / resumeAllS),
    cpu: { resume_all: resumeCpu, ms_per_resume: perResume },
  };
}

/** Resolves once the raw worker's workflow task queue reports no backlog three checks in a row. */
async function backlogDrained(env: BenchEnvironment): Promise<void> {
  const deadline = Date.now() + 600_000;
  for (let quiet = 0; quiet < 3; await new Promise((resolve) => setTimeout(resolve, 1000))) {
    if (Date.now() > deadline) throw new Error('baseline: the raw task queue kept a backlog for 10 minutes');
    const response = await env.client.workflowService.describeTaskQueue({
      namespace: env.client.options.namespace,
      taskQueue: { name: RAW_TASK_QUEUE },
      taskQueueType: TASK_QUEUE_TYPE_WORKFLOW,
      reportStats: true,
    });
    const backlog = Number(response.stats?.approximateBacklogCount ?? 0);
    quiet = backlog === 0 ? quiet + 1 : 0;
  }
}
