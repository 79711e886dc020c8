/**
 * Records the replay fixtures: runs every scenario of `test/fixtures/histories/scenarios.ts` on a dev
 * server it starts (in memory), with a worker holding the test tools, and writes each execution's
 * history and journal to `test/fixtures/histories/<name>.json` and `<name>.journal.json`.
 * Re-record only after a deliberate, compatible change to what the interpreter writes to history
 * (and say so in the commit): re-recording to make `replay.test.ts` pass hides the very break it
 * reports, since executions already paused in production keep their old histories.
 *
 *   npx tsx scripts/record-histories.ts [name ...]
 */
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { Client } from '@temporalio/client';
import { connectTemporal } from '../src/temporal/client-connection';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { startDevServer } from '../src/temporal/dev-server';
import { findFreePorts } from '../src/temporal/find-free-port';
import { ensureTemporalCli } from '../src/temporal/provision';
import { createCadenzaWorker } from '../src/worker/create-worker';
import { tools } from '../test/integration/fixtures/test-tools';
import { tools as agentTools } from '../test/integration/fixtures/agent-tools';
import { FakeModelServer } from '../test/integration/harness/fake-model-server';
import { RECORD_KEY_ENV, RECORD_MODEL_URL_ENV, scriptAgentModels } from '../test/fixtures/histories/agent-scenarios';
import { journal, startExecution } from '../test/integration/workflow/start-execution';
import { historyFile, writeFixtures } from '../test/fixtures/histories/history-file';
import { historyScenarios } from '../test/fixtures/histories/scenarios';

const namespace = 'default';

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const unknown = only.filter((name) => !historyScenarios.some((s) => s.name === name));
  if (unknown.length > 0) throw new Error(`unknown scenario(s): ${unknown.join(', ')} (known: ${historyScenarios.map((s) => s.name).join(', ')})`);
  const scenarios = historyScenarios.filter((s) => only.length === 0 || only.includes(s.name));

  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const cli = await ensureTemporalCli({ onProgress: (line) => process.stderr.write(`${line}\n`) });
  const [port, uiPort] = await findFreePorts(2);
  const server = await startDevServer({ cliPath: cli.path, port: port!, uiPort: uiPort!, namespace });
  const taskQueue = `record-histories-${randomUUID()}`;
  const workerConnection = await NativeConnection.connect({ address: server.address });
  const connection = await connectTemporal({ address: server.address });
  const cleanups: Array<() => Promise<void>> = [];
  try {
    // Agent scenarios talk to the fake model server (test/fixtures/histories/agent-scenarios.ts).
    const fake = await FakeModelServer.start();
    scriptAgentModels(fake);
    process.env[RECORD_MODEL_URL_ENV] = fake.baseUrl;
    process.env[RECORD_KEY_ENV] = 'sk-record';
    cleanups.push(() => fake.close());
    const worker = await createCadenzaWorker({ connection: workerConnection, namespace, taskQueue, tools: [...tools, ...agentTools] });
    const client = new Client({ connection, namespace });
    await worker.runUntil(async () => {
      for (const scenario of scenarios) {
        const started = Date.now();
        const handle = await startExecution(client, taskQueue, scenario.definition, scenario.input ?? {}, scenario.env?.() ?? {});
        await scenario.drive(handle, client);
        const result = await handle.result();
        const history = await handle.fetchHistory();
        await writeFixtures(scenario.name, history, await journal(handle));
        const file = historyFile(scenario.name);
        process.stdout.write(`${scenario.name}: ${result.status}, ${history.events?.length ?? 0} history events, ${Date.now() - started} ms → ${path.relative(process.cwd(), file)}\n`);
      }
    });
  } finally {
    for (const cleanup of cleanups) await cleanup();
    await connection.close();
    await workerConnection.close();
    await server.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`record-histories: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
