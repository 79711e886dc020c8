/**
 * Jest global setup of the integration project: one Temporal dev server (in memory, free ports, Cadenza's
 * search attributes) and one workflow bundle for every test file. Test files find both through
 * `CADENZA_TEST_TEMPORAL_ADDRESS` and `CADENZA_TEST_WORKFLOW_BUNDLE` (see harness/).
 * Set CADENZA_TEST_TEMPORAL_ADDRESS yourself to run against a server of your own.
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Connection } from '@temporalio/client';
import { DefaultLogger } from '@temporalio/worker';
import { startDevServer } from '../../src/temporal/dev-server';
import { findFreePorts } from '../../src/temporal/find-free-port';
import { ensureTemporalCli } from '../../src/temporal/provision';
import { registerSearchAttributes } from '../../src/temporal/register-search-attributes';
import { bundleCadenzaWorkflows } from '../../src/worker/create-worker';
import { TestEnv, testNamespace } from './harness/test-environment';
import { setSharedDevServer } from './harness/shared-dev-server';

const root = resolve(__dirname, '../..');

function say(line: string): void {
  process.stderr.write(`[integration setup] ${line}\n`);
}

export default async function globalSetup(): Promise<void> {
  const started = Date.now();
  await Promise.all([provideTemporal(), provideBundle()]);
  say(`ready in ${((Date.now() - started) / 1000).toFixed(1)}s`);
}

async function provideTemporal(): Promise<void> {
  const namespace = testNamespace();
  const external = process.env[TestEnv.Address];
  if (external) {
    const connection = await Connection.connect({ address: external });
    try {
      const added = await registerSearchAttributes(connection, namespace);
      say(`using Temporal at ${external}${added.length > 0 ? ` (registered ${added.join(', ')})` : ''}`);
    } finally {
      await connection.close();
    }
    return;
  }
  const cli = await ensureTemporalCli({ onProgress: say });
  const [port, uiPort] = await findFreePorts(2);
  const server = await startDevServer({ cliPath: cli.path, port: port!, uiPort: uiPort!, namespace });
  setSharedDevServer(server);
  process.env[TestEnv.Address] = server.address;
  process.env[TestEnv.Namespace] = namespace;
  say(`Temporal dev server at ${server.address} (${cli.route}), Web UI ${server.uiUrl}`);
}

async function provideBundle(): Promise<void> {
  if (process.env[TestEnv.WorkflowBundle]) return;
  const dir = join(root, '.jest-cache');
  await mkdir(dir, { recursive: true });
  const { code } = await bundleCadenzaWorkflows({ logger: new DefaultLogger('WARN') });
  const file = join(dir, 'workflow-bundle.js');
  // Written aside then renamed: a concurrent Jest run never reads half a bundle.
  const partial = `${file}.${process.pid}.tmp`;
  await writeFile(partial, code);
  await rename(partial, file);
  process.env[TestEnv.WorkflowBundle] = file;
}
