/**
 * Records the registry replay fixtures (test/fixtures/histories/registry/registry-scenarios.ts) on a
 * dev server it starts (in memory): for each scenario, the history of the first run of the workflow
 * it drives, as `<name>.json`. The frozen fixtures of `before-entities/` are never re-recorded.
 *
 *   npx tsx scripts/record-registry-histories.ts [name ...]
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { Client } from '@temporalio/client';
import { connectTemporal } from '../src/temporal/client-connection';
import { temporal } from '@temporalio/proto';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { startDevServer } from '../src/temporal/dev-server';
import { findFreePorts } from '../src/temporal/find-free-port';
import { ensureTemporalCli } from '../src/temporal/provision';
import { createCadenzaWorker } from '../src/worker/create-worker';
import { registryFixturesDir, registryScenarios } from '../test/fixtures/histories/registry/registry-scenarios';

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const scenarios = registryScenarios.filter((s) => only.length === 0 || only.includes(s.name));
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const cli = await ensureTemporalCli({ onProgress: (line) => process.stderr.write(`${line}\n`) });
  const [port, uiPort] = await findFreePorts(2);
  const server = await startDevServer({ cliPath: cli.path, port: port!, uiPort: uiPort!, namespace: 'default' });
  const taskQueue = `record-registry-${randomUUID()}`;
  const workerConnection = await NativeConnection.connect({ address: server.address });
  const connection = await connectTemporal({ address: server.address });
  try {
    const worker = await createCadenzaWorker({ connection: workerConnection, namespace: 'default', taskQueue });
    const client = new Client({ connection, namespace: 'default' });
    await worker.runUntil(async () => {
      for (const scenario of scenarios) {
        const run = await scenario.drive(client, taskQueue, `${scenario.name}-${randomUUID()}`);
        const history = await client.workflow.getHandle(run.workflowId, run.firstExecutionRunId).fetchHistory();
        const file = path.join(registryFixturesDir, `${scenario.name}.json`);
        await writeFile(file, `${JSON.stringify(temporal.api.history.v1.History.fromObject(history).toJSON(), null, 1)}\n`);
        process.stdout.write(`${scenario.name}: ${history.events?.length ?? 0} history events → ${path.relative(process.cwd(), file)}\n`);
      }
    });
  } finally {
    await connection.close();
    await workerConnection.close();
    await server.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`record-registry-histories: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
