/**
 * `npm run cluster`: builds the Temporal server once, prepares PostgreSQL, starts two Temporal server
 * processes, two Cadenza workers and two API nodes (src/cluster/cluster.ts), prints every address and
 * runs until Ctrl-C, which stops all of it (a second Ctrl-C kills at once).
 */
import { ClusterConfigError } from './cluster-layout';
import { ClusterInterrupted, type RunningCluster, startCluster } from './cluster';

/** Lines for the terminal: progress and addresses on stdout, failures on stderr. */
const say = (line: string): void => console.log(line);
const warn = (line: string): void => console.error(line);

// npm and tsx relay the terminal's SIGINT to the process that already got it: one Ctrl-C.
const SAME_SIGNAL_WINDOW_MS = 1_000;

async function main(): Promise<void> {
  const interrupted = new AbortController();
  let cluster: RunningCluster | undefined;
  let startup: Promise<unknown> = Promise.resolve();
  let firstSignalAt: number | undefined;
  const onSignal = (signal: NodeJS.Signals): void => {
    const now = Date.now();
    if (firstSignalAt === undefined) {
      firstSignalAt = now;
      say(`\n${signal}: stopping the cluster (press Ctrl-C again to kill it at once)`);
      interrupted.abort(new ClusterInterrupted('interrupted'));
      void startup
        .catch(() => undefined)
        .then(() => cluster?.stop())
        .then(
          () => {
            say('stopped the API nodes, the workers and the Temporal server processes');
            process.exit(0);
          },
          (error: unknown) => {
            warn(`stopping failed: ${messageOf(error)}`);
            process.exit(1);
          },
        );
      return;
    }
    if (now - firstSignalAt < SAME_SIGNAL_WINDOW_MS) return;
    warn('forced exit: killing every process');
    cluster?.killNow();
    process.exit(130);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  startup = startCluster({ onProgress: say, signal: interrupted.signal }).then((c) => (cluster = c));
  try {
    await startup;
  } catch (error) {
    if (interrupted.signal.aborted) return;
    warn(`the cluster failed to start: ${messageOf(error)}`);
    process.exit(1);
  }
  if (!cluster) return;
  printAddresses(cluster);
}

function printAddresses(cluster: RunningCluster): void {
  const { layout, timings, binaries } = cluster;
  const build = binaries.build;
  say('');
  say(`  Temporal server  ${binaries.server} (${binaries.source}${build ? `; built ${build.built_at} via ${build.route} with ${build.toolchain} in ${build.seconds}s` : ''})`);
  say(`  PostgreSQL       ${layout.postgres.host}:${layout.postgres.port}  databases ${layout.postgres.database}, ${layout.postgres.visibilityDatabase}`);
  layout.servers.forEach((s, i) => {
    say(`  ${s.name}       gRPC ${s.address}  HTTP 127.0.0.1:${s.frontendHttp}  metrics http://127.0.0.1:${s.metrics}/metrics  pid ${String(cluster.servers[i]?.pid)}`);
    say(`                   membership 127.0.0.1:${s.frontendMembership},${s.historyMembership},${s.matchingMembership},${s.workerMembership}  history :${s.historyGrpc}  matching :${s.matchingGrpc}  worker :${s.workerGrpc}`);
  });
  layout.workers.forEach((w, i) => say(`  ${w.name}         Temporal ${w.temporalAddress}  SDK metrics http://127.0.0.1:${w.port}/metrics  pid ${String(cluster.workers[i]?.pid)}`));
  layout.apis.forEach((a, i) => say(`  ${a.name}            ${cluster.apiUrls[i] ?? ''}/api/v1  docs ${cluster.apiUrls[i] ?? ''}/docs  metrics ${cluster.apiUrls[i] ?? ''}/metrics  Temporal ${a.temporalAddress}  pid ${String(cluster.apis[i]?.pid)}`));
  say(`  Logs, configs    ${layout.dataDir}`);
  say('');
  say(`  Everything else: TEMPORAL_ADDRESS=${layout.servers[0]?.address ?? ''} TEMPORAL_NAMESPACE=${layout.namespace}`);
  say('');
  say(
    `Cluster ready in ${timings.total}s (build ${timings.build}s, databases ${timings.databases}s, Temporal ${timings.servers}s, workers ${timings.workers}s, APIs ${timings.apis}s). Press Ctrl-C to stop.`,
  );
}

function messageOf(error: unknown): string {
  return error instanceof ClusterConfigError || error instanceof Error ? error.message : String(error);
}

void main();
