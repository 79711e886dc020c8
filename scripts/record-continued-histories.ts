/**
 * Records the replay fixtures of executions that continue as new: runs every scenario of
 * `test/fixtures/histories/continued-scenarios.ts` on a dev server it starts (in memory) and writes
 * the history and journal of each run to `test/fixtures/histories/continued/<name>.run<N>.json`.
 * Like `record-histories.ts`: re-record only after a deliberate, compatible change.
 *
 *   npx tsx scripts/record-continued-histories.ts [name ...]
 */
import { randomUUID } from 'node:crypto';
import { Client } from '@temporalio/client';
import { connectTemporal } from '../src/temporal/client-connection';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { startDevServer } from '../src/temporal/dev-server';
import { findFreePorts } from '../src/temporal/find-free-port';
import { ensureTemporalCli } from '../src/temporal/provision';
import { createCadenzaWorker } from '../src/worker/create-worker';
import { eventsQuery } from '../src/workflows/messages';
import { tools } from '../test/integration/fixtures/test-tools';
import { startExecution } from '../test/integration/workflow/start-execution';
import { continuedDir, writeFixtures } from '../test/fixtures/histories/history-file';
import { continuedScenarios } from '../test/fixtures/histories/continued-scenarios';
import type { LateWorker, RecordedRun } from '../test/fixtures/histories/resolved-before-reentry';

const namespace = 'default';

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const unknown = only.filter((name) => !continuedScenarios.some((s) => s.name === name));
  if (unknown.length > 0) throw new Error(`unknown scenario(s): ${unknown.join(', ')} (known: ${continuedScenarios.map((s) => s.name).join(', ')})`);
  const scenarios = continuedScenarios.filter((s) => only.length === 0 || only.includes(s.name));
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const cli = await ensureTemporalCli({ onProgress: (line) => process.stderr.write(`${line}\n`) });
  const [port, uiPort] = await findFreePorts(2);
  const server = await startDevServer({ cliPath: cli.path, port: port!, uiPort: uiPort!, namespace });
  const taskQueue = `record-continued-${randomUUID()}`;
  const workerConnection = await NativeConnection.connect({ address: server.address });
  const connection = await connectTemporal({ address: server.address });
  const lateWorkers: LateWorker[] = [];
  const startWorker = async (queue: string): Promise<LateWorker> => {
    const late = await createCadenzaWorker({ connection: workerConnection, namespace, taskQueue: queue, tools });
    const running = late.run();
    const stopped = {
      shutdown: async () => {
        late.shutdown();
        await running;
      },
    };
    lateWorkers.push(stopped);
    return stopped;
  };
  try {
    const worker = await createCadenzaWorker({ connection: workerConnection, namespace, taskQueue, tools });
    const client = new Client({ connection, namespace });
    await worker.runUntil(async () => {
      for (const scenario of scenarios) {
        const handle = await startExecution(client, taskQueue, scenario.definition, {}, {}, { continue_after_events: scenario.continueAfterEvents });
        const runs = (await scenario.drive(handle, client, { startWorker })) ?? (await everyRun(client, handle.workflowId));
        for (const [i, { workflowId, runId }] of runs.entries()) {
          const run = client.workflow.getHandle(workflowId, runId);
          const history = await run.fetchHistory();
          const head = await run.query(eventsQuery, { after: 0, limit: 1 });
          const segment = await run.query(eventsQuery, { after: (head.first_seq ?? 1) - 1, limit: 1000 });
          await writeFixtures(`${scenario.name}.run${i + 1}`, history, segment.events, continuedDir);
        }
        process.stdout.write(`${scenario.name}: ${runs.length} runs\n`);
      }
    });
  } finally {
    for (const late of lateWorkers) await late.shutdown();
    await connection.close();
    await workerConnection.close();
    await server.stop();
  }
}

/** Every run of the execution, oldest first. */
async function everyRun(client: Client, workflowId: string): Promise<RecordedRun[]> {
  const runs: RecordedRun[] = [];
  for await (const run of client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) runs.push({ workflowId, runId: run.runId });
  return runs.reverse();
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
