/**
 * What publishing journal events to NATS JetStream costs (docs/design.md §6): executions per second of the
 * same definition with and without publishing, in the same run, alternating rounds on fresh workers
 * (same process, same Temporal dev server, same bundle). The NATS rounds also wait until every event
 * is in the stream and check the count, so the figure includes the publishing work, not just its
 * start.
 *
 *   npx tsx bench/nats-overhead.ts [--executions 300] [--concurrency 50] [--rounds 3] [--tasks 3]
 *
 * Needs the `temporal` CLI (npm run provision) and nats-server (Debian package, or NATS_SERVER_BIN).
 * Prints a table and writes bench/results/nats-overhead.json.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { Client } from '@temporalio/client';
import { connectTemporal } from '../src/temporal/client-connection';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { DefinitionSchema, type VersionedDefinition } from '../src/definitions/schema';
import { type EventPublishing, startEventPublishing } from '../src/events/event-publishing';
import { NatsConfigSchema, natsNamesOf } from '../src/events/nats-config';
import { startDevServer } from '../src/temporal/dev-server';
import { findFreePorts, isListening } from '../src/temporal/find-free-port';
import { ensureTemporalCli } from '../src/temporal/provision';
import { bundleCadenzaWorkflows, createCadenzaWorker } from '../src/worker/create-worker';
import { type ExecutionInput, INTERPRETER_WORKFLOW_TYPE } from '../src/workflows/contracts';
import { CadenzaStatusKey, CadenzaWorkflowIdKey, CadenzaWorkflowVersionKey } from '../src/workflows/search-attributes';

interface RoundResult {
  mode: 'without NATS' | 'with NATS';
  round: number;
  executions: number;
  seconds: number;
  executions_per_second: number;
  /** NATS rounds: events in the stream for this round, and how long after the last execution the last one arrived. */
  events_published?: number;
  events_expected?: number;
  drain_ms?: number;
  /** CPU ms per execution: this process (worker, client, publisher) and the nats-server process. */
  cpu_ms_per_execution: { bench_process: number; nats_server: number; temporal_server: number };
}

const { values: args } = parseArgs({
  options: {
    executions: { type: 'string', default: '300' },
    concurrency: { type: 'string', default: '50' },
    rounds: { type: 'string', default: '3' },
    tasks: { type: 'string', default: '3' },
  },
});
const EXECUTIONS = Number(args.executions);
const CONCURRENCY = Number(args.concurrency);
const ROUNDS = Number(args.rounds);
const TASKS = Number(args.tasks);
const NATS_SERVER_BIN = process.env.NATS_SERVER_BIN ?? (existsSync('/usr/sbin/nats-server') ? '/usr/sbin/nats-server' : 'nats-server');

const log = (line: string): void => void process.stdout.write(`${line}\n`);

function benchDefinition(): VersionedDefinition {
  const parsed = DefinitionSchema.parse({
    id: 'nats-bench',
    version: 1,
    tasks: Array.from({ length: TASKS }, (_, i) => ({
      id: `t${i}`,
      type: 'basic',
      tool: 'echo',
      with: { i, order: '{{ input.order }}' },
      ...(i < TASKS - 1 ? { on_success: { next: `t${i + 1}` } } : {}),
    })),
  });
  return { ...parsed, version: 1 };
}

async function startNats(storeDir: string): Promise<{ url: string; child: ChildProcess }> {
  const [port] = await findFreePorts(1);
  const child = spawn(NATS_SERVER_BIN, ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', storeDir], { stdio: 'ignore' });
  const deadline = Date.now() + 15_000;
  while (!(await isListening(port!))) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`nats-server (${NATS_SERVER_BIN}) did not start`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return { url: `nats://127.0.0.1:${port}`, child };
}

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const scratch = await mkdtemp(join(tmpdir(), 'cadenza-nats-bench-'));
  const stops: Array<() => Promise<unknown>> = [() => rm(scratch, { recursive: true, force: true })];
  try {
    const cli = await ensureTemporalCli({ onProgress: (line) => log(`[temporal] ${line}`) });
    if (cli.path === undefined) throw new Error('the bench needs a temporal CLI binary (npm run provision)');
    const [port, uiPort] = await findFreePorts(2);
    const [devServer, bundle, nats] = await Promise.all([
      startDevServer({ cliPath: cli.path, port: port!, uiPort: uiPort!, logFile: join(scratch, 'temporal.log') }),
      bundleCadenzaWorkflows({ logger: new DefaultLogger('ERROR') }),
      startNats(join(scratch, 'nats')),
    ]);
    stops.push(() => devServer.stop());
    stops.push(async () => {
      nats.child.kill('SIGTERM');
      await new Promise((r) => nats.child.once('exit', r));
    });
    const bundlePath = join(scratch, 'bundle.js');
    await writeFile(bundlePath, bundle.code);
    const nativeConnection = await NativeConnection.connect({ address: devServer.address });
    stops.push(() => nativeConnection.close());
    const connection = await connectTemporal({ address: devServer.address });
    stops.push(() => connection.close());
    const client = new Client({ connection, namespace: 'default' });
    const nc = await connect({ servers: nats.url });
    stops.push(() => nc.close());
    const definition = benchDefinition();
    log(`Temporal ${devServer.address} (in memory), NATS ${nats.url} (${NATS_SERVER_BIN}), ${cpus().length} CPUs`);
    log(`${ROUNDS} rounds × 2 modes × ${EXECUTIONS} executions of ${TASKS} echo tasks, ${CONCURRENCY} in flight`);

    const results: RoundResult[] = [];
    // One warm-up round of each mode (JIT, caches, stream creation), not counted.
    for (let round = 0; round <= ROUNDS; round++) {
      for (const withNats of round % 2 === 0 ? [false, true] : [true, false]) {
        const result = await runRound(round, withNats);
        if (round > 0) {
          results.push(result);
          const cpu = result.cpu_ms_per_execution;
          log(
            `round ${round} ${result.mode.padEnd(12)} ${result.executions_per_second.toFixed(1).padStart(7)} executions/s` +
              `  CPU ms/execution: bench ${cpu.bench_process}, nats-server ${cpu.nats_server}, temporal ${cpu.temporal_server}` +
              (result.drain_ms !== undefined ? `  (${result.events_published}/${result.events_expected} events in the stream, last one ${result.drain_ms} ms after the last execution)` : ''),
          );
        }
      }
    }

    const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const without = median(results.filter((r) => r.mode === 'without NATS').map((r) => r.executions_per_second));
    const withNats = median(results.filter((r) => r.mode === 'with NATS').map((r) => r.executions_per_second));
    const overheadPct = ((without - withNats) / without) * 100;
    const cpuOf = (mode: RoundResult['mode']): number =>
      median(results.filter((r) => r.mode === mode).map((r) => r.cpu_ms_per_execution.bench_process + r.cpu_ms_per_execution.nats_server + r.cpu_ms_per_execution.temporal_server));
    const cpuWithout = cpuOf('without NATS');
    const cpuWith = cpuOf('with NATS');
    const cpuOverheadPct = ((cpuWith - cpuWithout) / cpuWithout) * 100;
    log('');
    log(`median without NATS: ${without.toFixed(1)} executions/s`);
    log(`median with NATS:    ${withNats.toFixed(1)} executions/s`);
    log(`publishing costs ${overheadPct.toFixed(1)} % of throughput (target ≤ 10 %)`);
    log(`CPU per execution (bench process + nats-server + Temporal): ${cpuWithout.toFixed(2)} ms without, ${cpuWith.toFixed(2)} ms with NATS (+${cpuOverheadPct.toFixed(1)} %)`);
    await mkdir(join(__dirname, 'results'), { recursive: true });
    await writeFile(
      join(__dirname, 'results', 'nats-overhead.json'),
      `${JSON.stringify({ at: new Date().toISOString(), executions: EXECUTIONS, concurrency: CONCURRENCY, tasks: TASKS, cpus: cpus().length, median_without: without, median_with: withNats, overhead_pct: overheadPct, cpu_ms_per_execution_without: cpuWithout, cpu_ms_per_execution_with: cpuWith, cpu_overhead_pct: cpuOverheadPct, rounds: results }, null, 2)}\n`,
    );
    process.exitCode = overheadPct <= 10 ? 0 : 2;

    async function runRound(round: number, withNatsPublishing: boolean): Promise<RoundResult> {
      const taskQueue = `nats-bench-${randomUUID()}`;
      const prefix = `b${round}${withNatsPublishing ? 'n' : 'x'}${randomUUID().slice(0, 6)}`;
      let publishing: EventPublishing | undefined;
      let expected = 0;
      if (withNatsPublishing) {
        const config = NatsConfigSchema.parse({ NATS_URL: nats.url, CADENZA_NATS_PREFIX: prefix, CADENZA_NATS_CATCHUP_INTERVAL_MS: '0' });
        publishing = startEventPublishing({ config, client, taskQueue });
        await publishing.link.whenUsable(10_000);
      }
      const worker = await createCadenzaWorker({
        connection: nativeConnection,
        namespace: 'default',
        taskQueue,
        workflowBundle: { codePath: bundlePath },
        onJournalEvent: (event) => {
          expected++;
          publishing?.onJournalEvent(event);
        },
      });
      const running = worker.run();
      const cpuBefore = process.cpuUsage();
      const natsBefore = processCpuMs(nats.child.pid);
      const temporalBefore = processCpuMs(devServer.pid);
      const startedAt = performance.now();
      let next = 0;
      const one = async (): Promise<void> => {
        while (next < EXECUTIONS) {
          const i = next++;
          const input: ExecutionInput = { definition, input: { order: `o-${i}` }, env: {}, trigger: { source: 'api' } };
          const handle = await client.workflow.start(INTERPRETER_WORKFLOW_TYPE, {
            taskQueue,
            workflowId: `nats-bench-${randomUUID()}`,
            args: [input],
            typedSearchAttributes: [
              { key: CadenzaStatusKey, value: 'running' },
              { key: CadenzaWorkflowIdKey, value: definition.id },
              { key: CadenzaWorkflowVersionKey, value: 1 },
            ],
          });
          await handle.result();
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, one));
      const seconds = (performance.now() - startedAt) / 1000;
      const result: RoundResult = {
        mode: withNatsPublishing ? 'with NATS' : 'without NATS',
        round,
        executions: EXECUTIONS,
        seconds,
        executions_per_second: EXECUTIONS / seconds,
        cpu_ms_per_execution: { bench_process: 0, nats_server: 0, temporal_server: 0 },
      };
      if (publishing) {
        const doneAt = performance.now();
        await publishing.publisher.idle(60_000);
        result.drain_ms = Math.round(performance.now() - doneAt);
        const info = await (await jetstreamManager(nc)).streams.info(natsNamesOf({ CADENZA_NATS_PREFIX: prefix, CADENZA_NATS_STREAM: undefined }).stream);
        result.events_published = info.state.messages;
        result.events_expected = expected;
        // Counted only when the stream holds everything: the figure includes the whole publishing work.
        result.seconds = (performance.now() - startedAt) / 1000;
        result.executions_per_second = EXECUTIONS / result.seconds;
      }
      const cpu = process.cpuUsage(cpuBefore);
      result.cpu_ms_per_execution = {
        bench_process: round2((cpu.user + cpu.system) / 1000 / EXECUTIONS),
        nats_server: round2((processCpuMs(nats.child.pid) - natsBefore) / EXECUTIONS),
        temporal_server: round2((processCpuMs(devServer.pid) - temporalBefore) / EXECUTIONS),
      };
      worker.shutdown();
      await running;
      await publishing?.close();
      return result;
    }
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  }
}

/** User + system CPU time of a process so far (Linux /proc), in ms; 0 where unavailable. */
function processCpuMs(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    // utime and stime are fields 14 and 15 of stat, i.e. 11 and 12 after the command name.
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}

/** USER_HZ: 100 on Linux. */
const CLOCK_TICKS = 100;

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
