/** Stops the cluster the global setup started (a running `npm run cluster` is left alone). */
import type { RunningCluster } from '../../src/cluster/cluster';

export default async function globalTeardown(): Promise<void> {
  const cluster = (globalThis as { cadenzaTestCluster?: RunningCluster }).cadenzaTestCluster;
  if (cluster) await cluster.stop();
}
