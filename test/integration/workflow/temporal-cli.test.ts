/**
 * Operators use the real `temporal` CLI: `temporal workflow query` returns the status query's JSON and
 * `temporal workflow list` filters on Cadenza's search attributes (the Web UI uses the same visibility).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ensureTemporalCli } from '../../../src/temporal/provision';
import { connectTestClient, startTestWorker, type TestClient, type TestWorker } from '../harness';
import { definition, startExecution } from './start-execution';

const run = promisify(execFile);
let t: TestClient;
let w: TestWorker;
let cli: string;

beforeAll(async () => {
  t = await connectTestClient();
  w = await startTestWorker();
  const provisioned = await ensureTemporalCli();
  if (provisioned.path === undefined) throw new Error('no temporal CLI binary for this test');
  cli = provisioned.path;
});

afterAll(async () => {
  await w?.shutdown();
  await t?.close();
});

async function temporal(...args: string[]): Promise<unknown> {
  const { stdout } = await run(cli, [...args, '--address', t.address, '--namespace', t.namespace, '--output', 'json'], { timeout: 30_000 });
  return JSON.parse(stdout) as unknown;
}

it('answers `temporal workflow query --name status` with the status JSON', async () => {
  const def = definition({ id: 'cli-check', tasks: [{ id: 'only', type: 'basic', tool: 'echo', with: { x: 1 } }] });
  const handle = await startExecution(t.client, w.taskQueue, def);
  await handle.result();

  const answer = (await temporal('workflow', 'query', '--workflow-id', handle.workflowId, '--name', 'status')) as { queryResult: unknown[] };
  expect(answer.queryResult[0]).toMatchObject({ execution_id: handle.workflowId, workflow_id: 'cli-check', status: 'completed', pause: null });

  const events = (await temporal('workflow', 'query', '--workflow-id', handle.workflowId, '--name', 'events', '--input', '{"after": 0, "limit": 2}')) as { queryResult: Array<{ events: unknown[] }> };
  expect(events.queryResult[0]?.events).toHaveLength(2);
});

it('lists executions by CadenzaWorkflowId and CadenzaStatus', async () => {
  const def = definition({ id: 'cli-list', tasks: [{ id: 'only', type: 'basic', tool: 'echo' }] });
  const handle = await startExecution(t.client, w.taskQueue, def);
  await handle.result();
  // Visibility is eventually consistent.
  const deadline = Date.now() + 15_000;
  let listed: Array<{ execution?: { workflowId?: string } }> = [];
  while (Date.now() < deadline) {
    const out = await temporal('workflow', 'list', '--query', `CadenzaWorkflowId = 'cli-list' AND CadenzaStatus = 'completed'`);
    listed = Array.isArray(out) ? (out as typeof listed) : [];
    if (listed.some((x) => x.execution?.workflowId === handle.workflowId)) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  expect(listed.map((x) => x.execution?.workflowId)).toContain(handle.workflowId);
});
