/**
 * Summarises V8 CPU profiles (`node --cpu-prof`) by where the time went: a package under
 * node_modules, a source file of this repository, or a V8 category (GC, idle, program). Used to say
 * what limits a bench figure from a measurement rather than a guess (see bench/README.md).
 *
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/run.ts --only overhead --overhead-sides cadenza
 *   npx tsx bench/profile-summary.ts /tmp/prof/*.cpuprofile [--top 25] [--by function]
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** The bucket a frame's self time is charged to. */
function bucketOf(frame: ProfileNode['callFrame'], by: 'place' | 'function'): string {
  const { url, functionName } = frame;
  if (url === '') return functionName.startsWith('(') ? functionName : `(native) ${functionName || 'anonymous'}`;
  const modules = url.lastIndexOf('node_modules/');
  let place: string;
  if (modules >= 0) {
    const rest = url.slice(modules + 'node_modules/'.length).split('/');
    place = rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1] ?? ''}` : (rest[0] ?? url);
  } else if (url.startsWith('node:')) {
    place = url;
  } else {
    const repo = url.search(/\/(src|bench|test)\//);
    place = repo >= 0 ? url.slice(repo + 1) : basename(url);
  }
  return by === 'function' ? `${place} ${functionName || '(anonymous)'}` : place;
}

function summarise(profile: CpuProfile, by: 'place' | 'function'): Map<string, number> {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const totals = new Map<string, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const node = byId.get(profile.samples[i]!);
    if (!node) continue;
    const key = bucketOf(node.callFrame, by);
    totals.set(key, (totals.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  }
  return totals;
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { top: { type: 'string', default: '25' }, by: { type: 'string', default: 'place' } },
  });
  const by = values.by === 'function' ? 'function' : 'place';
  const top = Number(values.top);
  for (const file of positionals) {
    const profile = JSON.parse(await readFile(file, 'utf8')) as CpuProfile;
    const totals = summarise(profile, by);
    const all = [...totals.values()].reduce((a, b) => a + b, 0);
    const busy = all - (totals.get('(idle)') ?? 0);
    process.stdout.write(`\n${basename(file)}: ${(all / 1000).toFixed(1)} s sampled, ${(busy / 1000).toFixed(1)} s not idle\n`);
    const rows = [...totals.entries()].filter(([k]) => k !== '(idle)').sort((a, b) => b[1] - a[1]).slice(0, top);
    for (const [key, ms] of rows) process.stdout.write(`${(ms / 1000).toFixed(2).padStart(8)} s  ${((ms / busy) * 100).toFixed(1).padStart(5)} %  ${key}\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
