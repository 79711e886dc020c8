/**
 * The local production-shaped cluster (docs/design.md §12): two Temporal server processes (all
 * services each) on the local PostgreSQL, two Cadenza workers and two API nodes, every port on
 * loopback. `npm run cluster` runs it in the foreground; the cluster and fault suites start it from
 * their global setup and kill its processes one by one.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { type CadenzaNode, type ClusterLayout, clusterLayout, type ServerNode } from './cluster-layout';
import { type DatabaseSetupResult, setUpDatabases } from './database-setup';
import { ManagedProcess } from './managed-process';
import { type NamespaceSetup, setUpNamespace } from './namespace-setup';
import { httpReady, temporalServing, workerPolling } from './readiness';
import { DYNAMIC_CONFIG_FILE, dynamicConfigYaml, serverConfigYaml } from './server-config';
import { ensureTemporalServer, type TemporalServerBinaries } from './server-build';

/** The repository root, where `src/worker.ts` and `src/server.ts` are. */
const REPO_ROOT = resolve(__dirname, '..', '..');

/** Name of the state file in the cluster's data directory (read by the cluster suite). */
export const CLUSTER_STATE_FILE = 'cluster.json';

/** Options of `startCluster`. */
export interface StartClusterOptions {
  env?: NodeJS.ProcessEnv;
  onProgress?: (line: string) => void;
  signal?: AbortSignal;
  /** Extra environment of the worker processes (the fault suite's egress settings, say). */
  workerEnv?: NodeJS.ProcessEnv;
}

/** How long each start phase took, in seconds. */
export interface ClusterTimings {
  build: number;
  databases: number;
  servers: number;
  workers: number;
  apis: number;
  total: number;
}

/** A running cluster. */
export interface RunningCluster {
  layout: ClusterLayout;
  binaries: TemporalServerBinaries;
  databases: DatabaseSetupResult[];
  namespace: NamespaceSetup;
  servers: ManagedProcess[];
  workers: ManagedProcess[];
  apis: ManagedProcess[];
  /** `http://127.0.0.1:<port>` of each API node. */
  apiUrls: string[];
  timings: ClusterTimings;
  /** Stops the API nodes, then the workers, then the servers (SIGTERM, SIGKILL after a grace time). */
  stop(): Promise<void>;
  /** SIGKILL to every process at once (a forced exit). */
  killNow(): void;
}

/** The startup was interrupted (Ctrl-C). */
export class ClusterInterrupted extends Error {
  override name = 'ClusterInterrupted';
}

/** Builds (once), prepares PostgreSQL and starts every process; on failure stops what it started. */
export async function startCluster(options: StartClusterOptions = {}): Promise<RunningCluster> {
  const env = options.env ?? process.env;
  const say = options.onProgress ?? (() => undefined);
  const checkpoint = (): void => {
    if (options.signal?.aborted) throw new ClusterInterrupted('interrupted');
  };
  const started = Date.now();
  let mark = started;
  const lap = (): number => {
    const now = Date.now();
    const seconds = Number(((now - mark) / 1000).toFixed(1));
    mark = now;
    return seconds;
  };
  const layout = clusterLayout(env);
  await mkdir(layout.dataDir, { recursive: true });

  const binaries = await ensureTemporalServer({ env, onProgress: (line) => say(`[build] ${line}`), ...(options.signal ? { signal: options.signal } : {}) });
  const build = lap();
  checkpoint();
  const databases = await setUpDatabases(binaries.sqlTool, layout.postgres, (line) => say(`[postgres] ${line}`));
  const databasesSeconds = lap();
  checkpoint();

  const dynamicConfig = join(layout.dataDir, DYNAMIC_CONFIG_FILE);
  await writeFile(dynamicConfig, dynamicConfigYaml());
  const servers = await Promise.all(layout.servers.map((node) => serverProcess(layout, node, binaries.server, dynamicConfig, env)));
  const workers = layout.workers.map((node) => workerProcess(layout, node, { ...env, ...options.workerEnv }));
  const apis = layout.apis.map((node) => apiProcess(layout, node, env));
  const all = [...servers, ...workers, ...apis];
  const stop = async (): Promise<void> => {
    for (const group of [apis, workers, servers]) await Promise.all(group.map((p) => p.stop()));
  };
  try {
    // One after the other: the first process of a fresh database writes the cluster metadata.
    for (const server of servers) {
      say(`[temporal] starting ${server.spec.name}`);
      await server.start();
      checkpoint();
    }
    const namespace = await setUpNamespace(layout.servers[0]?.address ?? '', layout.namespace);
    if (namespace.namespaceCreated) say(`[temporal] registered namespace ${layout.namespace}`);
    if (namespace.searchAttributesAdded.length > 0) say(`[temporal] registered search attributes ${namespace.searchAttributesAdded.join(', ')}`);
    const serversSeconds = lap();
    checkpoint();
    say('[cadenza] starting the workers (each bundles the workflow code)');
    await Promise.all(workers.map((w) => w.start()));
    const workersSeconds = lap();
    checkpoint();
    say('[cadenza] starting the API nodes');
    await Promise.all(apis.map((a) => a.start()));
    const apisSeconds = lap();
    const timings: ClusterTimings = {
      build,
      databases: databasesSeconds,
      servers: serversSeconds,
      workers: workersSeconds,
      apis: apisSeconds,
      total: Number(((Date.now() - started) / 1000).toFixed(1)),
    };
    const apiUrls = layout.apis.map((node) => `http://127.0.0.1:${node.port}`);
    const cluster: RunningCluster = { layout, binaries, databases, namespace, servers, workers, apis, apiUrls, timings, stop, killNow: () => all.forEach((p) => p.killNow()) };
    await writeFile(join(layout.dataDir, CLUSTER_STATE_FILE), `${JSON.stringify(clusterState(cluster), null, 2)}\n`);
    return cluster;
  } catch (error) {
    await stop();
    throw error;
  }
}

/** What the state file records: addresses, pids and timings. */
export function clusterState(cluster: RunningCluster): Record<string, unknown> {
  return {
    started_at: new Date().toISOString(),
    supervisor_pid: process.pid,
    namespace: cluster.layout.namespace,
    temporal: cluster.layout.servers.map((s, i) => ({ name: s.name, address: s.address, metrics: `http://127.0.0.1:${s.metrics}/metrics`, pid: cluster.servers[i]?.pid })),
    workers: cluster.layout.workers.map((w, i) => ({ name: w.name, temporal: w.temporalAddress, metrics: `http://127.0.0.1:${w.port}/metrics`, pid: cluster.workers[i]?.pid })),
    apis: cluster.layout.apis.map((a, i) => ({ name: a.name, url: cluster.apiUrls[i], temporal: a.temporalAddress, pid: cluster.apis[i]?.pid })),
    timings: cluster.timings,
    build: cluster.binaries.build,
  };
}

async function serverProcess(layout: ClusterLayout, node: ServerNode, binary: string, dynamicConfig: string, env: NodeJS.ProcessEnv): Promise<ManagedProcess> {
  const configFile = join(layout.dataDir, `${node.name}.yaml`);
  await writeFile(configFile, serverConfigYaml(layout, node, dynamicConfig));
  return new ManagedProcess({
    name: node.name,
    command: binary,
    args: ['--config-file', configFile, '--allow-no-auth', 'start'],
    env,
    cwd: layout.dataDir,
    logFile: join(layout.dataDir, `${node.name}.log`),
    ready: ({ signal }) => temporalServing(node.address, signal),
    readyTimeoutMs: 120_000,
  });
}

function cadenzaEnv(layout: ClusterLayout, node: CadenzaNode, env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { ...env, TEMPORAL_ADDRESS: node.temporalAddress, TEMPORAL_NAMESPACE: layout.namespace, CADENZA_HOST: '127.0.0.1' };
}

function workerProcess(layout: ClusterLayout, node: CadenzaNode, env: NodeJS.ProcessEnv): ManagedProcess {
  const taskQueue = env.CADENZA_TASK_QUEUE ?? 'cadenza';
  return new ManagedProcess({
    name: node.name,
    command: process.execPath,
    args: ['--import', 'tsx', 'src/worker.ts'],
    env: { ...cadenzaEnv(layout, node, env), CADENZA_WORKER_METRICS: `127.0.0.1:${node.port}` },
    cwd: REPO_ROOT,
    logFile: join(layout.dataDir, `${node.name}.log`),
    ready: ({ signal, pid }) => workerPolling(node.temporalAddress, layout.namespace, taskQueue, pid, signal),
    readyTimeoutMs: 180_000,
  });
}

function apiProcess(layout: ClusterLayout, node: CadenzaNode, env: NodeJS.ProcessEnv): ManagedProcess {
  const url = `http://127.0.0.1:${node.port}`;
  return new ManagedProcess({
    name: node.name,
    command: process.execPath,
    args: ['--import', 'tsx', 'src/server.ts'],
    env: { ...cadenzaEnv(layout, node, env), CADENZA_PORT: String(node.port) },
    cwd: REPO_ROOT,
    logFile: join(layout.dataDir, `${node.name}.log`),
    ready: ({ signal }) => httpReady(url, signal),
    readyTimeoutMs: 120_000,
  });
}
