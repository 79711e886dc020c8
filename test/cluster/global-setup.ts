/**
 * `npm run test:cluster`: uses the cluster `npm run cluster` runs (its state file in
 * `.data/cluster/cluster.json`, every API node ready), or starts one with the same settings and
 * stops it in the teardown. The API nodes' URLs reach the tests as `CADENZA_CLUSTER_API_URLS`.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { clusterLayout } from '../../src/cluster/cluster-layout';
import { CLUSTER_STATE_FILE, type RunningCluster, startCluster } from '../../src/cluster/cluster';


export default async function globalSetup(): Promise<void> {
  const running = await runningApiUrls();
  if (running) {
    console.log(`\n[cluster setup] using the running cluster: ${running.join(', ')}`);
    process.env.CADENZA_CLUSTER_API_URLS = running.join(',');
    return;
  }
  console.log('\n[cluster setup] no running cluster found: starting one');
  const cluster = await startCluster({ onProgress: (line) => console.log(`[cluster setup] ${line}`) });
  (globalThis as { cadenzaTestCluster?: RunningCluster }).cadenzaTestCluster = cluster;
  console.log(`[cluster setup] ready in ${cluster.timings.total}s: ${cluster.apiUrls.join(', ')}`);
  process.env.CADENZA_CLUSTER_API_URLS = cluster.apiUrls.join(',');
}

async function runningApiUrls(): Promise<string[] | undefined> {
  const layout = clusterLayout();
  try {
    const state = JSON.parse(await readFile(join(layout.dataDir, CLUSTER_STATE_FILE), 'utf8')) as { apis?: Array<{ url?: string }> };
    const urls = (state.apis ?? []).map((a) => a.url ?? '');
    if (urls.length < 2) return undefined;
    for (const url of urls) {
      const res = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2_000) });
      if (res.status !== 200) return undefined;
    }
    return urls;
  } catch {
    return undefined;
  }
}
