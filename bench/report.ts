/**
 * The results document (`latest.json`) and its markdown table (`latest.md`).
 */
import type { EnvironmentSettings } from './environment';
import type { LoadInfo, MachineInfo } from './machine';
import { CHAIN_SIDES, type ChainResult, type ChainSide } from './scenarios/chain';
import type { OverheadResult } from './scenarios/overhead';
import type { ResumeLatencyResult } from './scenarios/resume-latency';
import type { RegistryResult } from './scenarios/registry';
import type { ScaleResult } from './scenarios/scale';
import type { StartupResult } from './scenarios/startup';

export const RESULTS_SCHEMA = 'cadenza-bench/1';

export interface BenchResults {
  schema: typeof RESULTS_SCHEMA;
  mode: 'full' | 'smoke';
  started_at: string;
  finished_at: string;
  duration_s: number;
  machine: MachineInfo;
  /** Before everything, at the start of each scenario that uses the bench environment, and after. */
  load: { before: LoadInfo; during: LoadInfo[]; after: LoadInfo };
  settings: EnvironmentSettings | null;
  parameters: Record<string, unknown>;
  resume_latency: ResumeLatencyResult | null;
  overhead: OverheadResult | null;
  chain: ChainResult | null;
  scale: ScaleResult | null;
  registry: RegistryResult | null;
  startup: StartupResult | null;
  targets: TargetCheck[];
  /** Scenarios that failed, with the reason (the others still ran). */
  errors: Record<string, string>;
}

export interface TargetCheck {
  figure: string;
  value: number;
  unit: string;
  target: string;
  met: boolean;
}

/** Every target of the issue that the results hold a figure for. */
export function checkTargets(r: Pick<BenchResults, 'resume_latency' | 'overhead' | 'chain' | 'scale' | 'startup'> & Partial<Pick<BenchResults, 'registry'>>): TargetCheck[] {
  const checks: TargetCheck[] = [];
  if (r.resume_latency) {
    for (const kind of Object.values(r.resume_latency.kinds)) {
      const p99 = kind.to_activity_start_ms.p99;
      checks.push({ figure: `${kind.label}: p99`, value: p99, unit: 'ms', target: '≤ 60 ms', met: p99 <= 60 });
    }
  }
  if (r.overhead) {
    checks.push({ figure: 'Cadenza / raw Temporal executions/s', value: r.overhead.ratio, unit: '×', target: '≥ 0.95', met: r.overhead.ratio >= 0.95 });
  }
  if (r.chain) checks.push(...chainTargets(r.chain));
  if (r.scale) {
    checks.push({ figure: `process RSS with ${r.scale.paused} paused (peak)`, value: r.scale.peak_rss_mib, unit: 'MiB', target: '< 1024 MiB', met: r.scale.peak_rss_mib < 1024 });
    checks.push({ figure: `resume all ${r.scale.paused} paused (${r.scale.resume_via === 'bulk' ? 'one bulk operation' : 'one REST resume each'})`, value: r.scale.resume_all_s, unit: 's', target: '≤ 120 s', met: r.scale.resume_all_s <= 120 });
  }
  if (r.registry) {
    const largest = Math.max(r.registry.entity_max.largest_payload_bytes, r.registry.hot.largest_payload_bytes);
    checks.push({ figure: 'largest payload in a registry history', value: Math.round(largest / 1024), unit: 'KiB', target: '< 1024 KiB (Temporal: 2 MB)', met: largest < 1024 * 1024 });
  }
  if (r.startup) {
    checks.push({ figure: '`npm start` until ready', value: r.startup.ready_s, unit: 's', target: '< 10 s', met: r.startup.ready_s < 10 });
  }
  return checks;
}

export function renderMarkdown(r: BenchResults): string {
  const lines: string[] = [];
  const load = `load average (1m) ${r.load.before.loadavg_1m} before, ${r.load.during.map((l) => l.loadavg_1m).join(' / ') || '-'} at each scenario's start, ${r.load.after.loadavg_1m} after`;
  lines.push(`## Cadenza bench (${r.mode}) — ${r.finished_at.slice(0, 16).replace('T', ' ')} UTC`, '');
  lines.push(`${r.machine.cpu_model}, ${r.machine.cores} cores, ${r.machine.memory_gib} GiB, Node ${r.machine.node}; ${load}.`);
  const competing = [...new Set([r.load.before, ...r.load.during, r.load.after].flatMap((l) => l.competing))];
  lines.push(competing.length === 0 ? 'No competing test runs or Temporal servers seen before, during or after.' : `Competing processes seen: ${competing.length} (see latest.json).`, '');

  for (const [scenario, message] of Object.entries(r.errors)) lines.push(`**${scenario} failed:** ${message.split('\n')[0]}`, '');
  lines.push('| Figure | Value | Target | Met |', '|---|---|---|---|');
  for (const t of r.targets) lines.push(`| ${t.figure} | ${fmt(t.value)} ${t.unit} | ${t.target} | ${t.met ? 'yes' : '**no**'} |`);
  lines.push('');

  if (r.resume_latency) {
    const rl = r.resume_latency;
    lines.push(`### Resume latency (command sent → next task's activity started), ${rl.samples_per_round} samples × ${rl.rounds} rounds, median of rounds`, '');
    lines.push('| Command | via | p50 | p95 | p99 | max | API answered p50 / p99 |', '|---|---|---|---|---|---|---|');
    for (const k of Object.values(rl.kinds)) {
      const d = k.to_activity_start_ms;
      lines.push(`| ${k.label} | ${k.via} | ${fmt(d.p50)} ms | ${fmt(d.p95)} ms | ${fmt(d.p99)} ms | ${fmt(d.max)} ms | ${fmt(k.to_response_ms.p50)} / ${fmt(k.to_response_ms.p99)} ms |`);
    }
    lines.push('');
    lines.push('Where it goes (from the histories of the last samples; p50 / p99 per segment):', '');
    lines.push('| Command | traced | sent → task scheduled | queued for the worker | worker task | → activity running |', '|---|---|---|---|---|---|');
    for (const k of Object.values(rl.kinds)) {
      const b = k.breakdown;
      const seg = (d: { p50: number; p99: number }) => `${fmt(d.p50)} / ${fmt(d.p99)} ms`;
      lines.push(`| ${k.label} | ${b.traced} | ${seg(b.to_server_ms)} | ${seg(b.task_queue_wait_ms)} | ${seg(b.worker_task_ms)} | ${seg(b.to_activity_start_ms)} |`);
    }
    lines.push('');
  }
  if (r.overhead) {
    const o = r.overhead;
    lines.push(`### Overhead: 3-task linear workflow, ${o.executions_per_round} executions × ${o.rounds} rounds per side, concurrency ${o.concurrency}`, '');
    lines.push('| Side | executions/s | start→completed p50 |', '|---|---|---|');
    lines.push(`| Cadenza (REST trigger, interpreter) | ${fmt(o.cadenza_executions_per_s)} | ${fmt(o.cadenza_latency_p50_ms)} ms |`);
    lines.push(`| raw Temporal (client start, hand-written workflow) | ${fmt(o.raw_executions_per_s)} | ${fmt(o.raw_latency_p50_ms)} ms |`);
    lines.push(`| ratio Cadenza / raw (median of per-round ratios) | ${fmt(o.ratio)} | |`, '');
  }
  if (r.chain) lines.push(...chainTable(r.chain));
  if (r.scale) {
    const s = r.scale;
    lines.push(`### Scale: ${s.paused} executions paused at once`, '');
    lines.push('| Figure | Value |', '|---|---|');
    lines.push(`| triggered through the API | ${fmt(s.trigger_s)} s (${fmt(s.triggers_per_s)}/s) |`);
    lines.push(`| all paused (visibility) | ${fmt(s.all_paused_s)} s after the first trigger |`);
    lines.push(`| process RSS before / all paused / peak | ${fmt(s.memory_before.rss_mib)} / ${fmt(s.memory_paused.rss_mib)} / ${fmt(s.peak_rss_mib)} MiB |`);
    lines.push(`| workflows in the worker cache when all paused | ${s.cached_workflows_when_paused} |`);
    lines.push(`| list all paused (\`GET /api/v1/executions?status=paused\`) | ${fmt(s.list_s)} s, ${s.list_pages} pages, ${s.list_items} items |`);
    lines.push(s.resume_via === 'bulk' ? `| resume all (one bulk operation): every outcome recorded | ${fmt(s.resume_all_accepted_s)} s |` : `| resume all: every API call answered | ${fmt(s.resume_all_accepted_s)} s (${s.resume_retries} sent again after a 503) |`);
    lines.push(`| resume all: every next task started | ${fmt(s.resume_all_s)} s (${fmt(s.resumes_per_s)}/s) |`);
    const c = s.cpu.resume_all;
    lines.push(`| CPU per resume: this process + Temporal server | ${fmt(s.cpu.ms_per_resume.process)} + ${fmt(s.cpu.ms_per_resume.server)} ms (cores ${fmt(c.machine_busy * 100)} % busy, ${fmt(c.others_ms / 1000)} s of it other work) |`);
    const b = s.baseline;
    if (b) {
      lines.push(`| raw Temporal, same run: ${b.paused} waiting for an update (client start, 16 updates in flight): every next task started | ${fmt(b.resume_all_s)} s (${fmt(b.resumes_per_s)}/s) |`);
      lines.push(`| raw Temporal: CPU per resume, this process + Temporal server | ${fmt(b.cpu.ms_per_resume.process)} + ${fmt(b.cpu.ms_per_resume.server)} ms (cores ${fmt(b.cpu.resume_all.machine_busy * 100)} % busy) |`);
    }
    lines.push('');
  }
  if (r.registry) lines.push(...registryTable(r.registry));
  if (r.startup) {
    const s = r.startup;
    lines.push(`### Startup: \`${s.command}\`, ${s.rounds} runs, fresh data dir, binary cached`, '');
    lines.push(`Ready after ${fmt(s.ready_s)} s (median; runs ${s.runs_s.map(fmt).join(', ')} s; self-reported ${fmt(s.self_reported_s)} s); Ctrl-C stop ${fmt(s.stop_s)} s.`, '');
  }
  return `${lines.join('\n')}\n`;
}

const chainLabels: Record<ChainSide, string> = {
  cadenza_plain: 'Cadenza, activities',
  cadenza_local: 'Cadenza, `local: true`',
  cadenza_set: 'Cadenza, `set` tasks',
  raw_plain: 'raw Temporal, activities',
  raw_local: 'raw Temporal, local activities',
};

function chainTargets(c: ChainResult): TargetCheck[] {
  const checks: TargetCheck[] = [];
  for (const n of c.lengths) {
    const plain = c.cells.cadenza_plain[String(n)]!.ms_per_task;
    const raw = c.cells.raw_plain[String(n)]!.ms_per_task;
    checks.push({ figure: `chain N=${n}, activities: Cadenza per task (raw ${fmt(raw)} ms)`, value: plain, unit: 'ms', target: '≤ raw', met: plain <= raw });
    for (const side of ['cadenza_local', 'cadenza_set'] as const) {
      const v = c.cells[side][String(n)]!.ms_per_task;
      checks.push({ figure: `chain N=${n}, ${chainLabels[side]}: per task`, value: v, unit: 'ms', target: '≤ 5 ms', met: v <= 5 });
    }
  }
  return checks;
}

function chainTable(c: ChainResult): string[] {
  const lines = [`### Chains of N tasks, one execution at a time, ${c.executions_per_round} executions × ${c.rounds} rounds per side, median of rounds`, ''];
  lines.push('ms per task (execution span in its history / N; client-side trigger → result / N in brackets):', '');
  lines.push(`| Side | ${c.lengths.map((n) => `N=${n}`).join(' | ')} |`, `|---|${c.lengths.map(() => '---|').join('')}`);
  for (const side of CHAIN_SIDES) {
    lines.push(`| ${chainLabels[side]} | ${c.lengths.map((n) => { const x = c.cells[side][String(n)]!; return `${fmt(x.ms_per_task)} (${fmt(x.client_ms_per_task)})`; }).join(' | ')} |`);
  }
  lines.push('', 'Dispatch waits in the histories (p50 / p95 over every execution): workflow task scheduled → started; activity task scheduled → started:', '');
  lines.push(`| Side | ${c.lengths.map((n) => `N=${n}`).join(' | ')} |`, `|---|${c.lengths.map(() => '---|').join('')}`);
  for (const side of CHAIN_SIDES) {
    lines.push(`| ${chainLabels[side]} | ${c.lengths.map((n) => { const x = c.cells[side][String(n)]!; return `${fmt(x.workflow_task_wait_ms.p50)} / ${fmt(x.workflow_task_wait_ms.p95)}; ${x.activity_wait_ms.n === 0 ? '—' : `${fmt(x.activity_wait_ms.p50)} / ${fmt(x.activity_wait_ms.p95)}`} ms`; }).join(' | ')} |`);
  }
  lines.push('');
  return lines;
}

function registryTable(g: RegistryResult): string[] {
  const d = (x: { p50: number; p95: number }) => `${fmt(x.p50)} / ${fmt(x.p95)} ms`;
  const e = g.entity_max;
  const h = g.hot;
  return [
    `### Registry: ${g.definitions} definitions × ${g.versions_each} versions (one entity workflow each)`,
    '',
    '| Figure | Value |',
    '|---|---|',
    `| register every version (PUT) | ${fmt(g.register_s)} s (${fmt(g.puts_per_s)}/s); per PUT p50 / p95 ${d(g.put_ms)}; ${g.put_retries} sent again after a 503 |`,
    `| listing shows every last version | ${fmt(g.visible_after_s)} s after the last PUT |`,
    `| list all (${g.list_pages} pages of ${g.list_page_limit}) | ${g.list_all_s.map(fmt).join(' / ')} s; per page p50 / p95 ${d(g.list_page_ms)} |`,
    `| get latest / get a version (p50 / p95) | ${d(g.get_latest_ms)} · ${d(g.get_version_ms)} |`,
    `| largest of ${g.sampled_entities} entities: history events / payload bytes / largest payload | ${e.history_length} / ${e.payload_bytes} / ${e.largest_payload_bytes} B |`,
    `| hot definition: ${h.versions} versions of ~${h.body_bytes} B | ${fmt(h.register_s)} s; ${h.stats.archives} archives, ${h.runs} runs, keeps ${h.stats.kept_versions} bodies (${h.stats.kept_bytes} B), largest payload ${h.largest_payload_bytes} B, every version read in ${fmt(h.get_all_s)} s |`,
    '',
  ];
}

function fmt(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  return Number.isInteger(value) ? String(value) : value.toFixed(value < 10 ? 2 : 1);
}
