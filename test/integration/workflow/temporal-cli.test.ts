/**
 * Operators use the real `temporal` CLI: `temporal workflow query` returns the status query's JSON and
 * `temporal workflow list` filters on Cadenza's search attributes (the Web UI uses the same visibility).
 */
import { useClientAndWorker, useTemporalCli } from '../harness';
import { definition, startExecution } from './start-execution';

const env = useClientAndWorker();
const cli = useTemporalCli(env);
const temporal = (...args: string[]): Promise<unknown> => cli.json(...args);

it('answers `temporal workflow query --name status` with the status JSON', async () => {
  const def = definition({ id: 'cli-check', tasks: [{ id: 'only', type: 'basic', tool: 'echo', with: { x: 1 } }] });
  const handle = await startExecution(env.t.client, env.w.taskQueue, def);
  await handle.result();

  const answer = (await temporal('workflow', 'query', '--workflow-id', handle.workflowId, '--name', 'status')) as { queryResult: unknown[] };
  expect(answer.queryResult[0]).toMatchObject({ execution_id: handle.workflowId, workflow_id: 'cli-check', status: 'completed', pause: null });

  const events = (await temporal('workflow', 'query', '--workflow-id', handle.workflowId, '--name', 'events', '--input', '{"after": 0, "limit": 2}')) as { queryResult: Array<{ events: unknown[] }> };
  expect(events.queryResult[0]?.events).toHaveLength(2);
});

it('lists executions by CadenzaWorkflowId and CadenzaStatus', async () => {
  const def = definition({ id: 'cli-list', tasks: [{ id: 'only', type: 'basic', tool: 'echo' }] });
  const handle = await startExecution(env.t.client, env.w.taskQueue, def);
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
