/**
 * The bug report's command, with the real `temporal` CLI: a `resume` signal whose `tasks.charge` is
 * null, sent to an execution paused by a failed `charge`. It used to fail the workflow task on every
 * replay; now it is journaled as CommandRejected, the execution stays paused and answers, and a valid
 * repair still completes it.
 */
import { useClientAndWorker, useTemporalCli } from '../harness';
import { tools } from '../fixtures/test-tools';
import { resumeUpdate, statusQuery } from '../../../src/workflows/messages';
import { definition, journal, startExecution } from './start-execution';
import { eventOf, paused } from './pause-resume-probes';

const env = useClientAndWorker({ tools });
const cli = useTemporalCli(env);

const charge = definition({
  id: 'cli-bad-signal',
  tasks: [
    {
      id: 'charge',
      type: 'basic',
      tool: 'check',
      with: { ok: '{{ input.ok }}', value: '{{ input.value }}' },
      retry: { maximum_attempts: 1 },
      on_error: { pause: true },
      on_success: { next: 'receipt' },
    },
    { id: 'receipt', type: 'basic', tool: 'echo', with: { charged: '{{ tasks.charge.output.value }}' } },
  ],
  outputs: { charged: '{{ tasks.receipt.output.charged }}' },
});

it('journals `temporal workflow signal --name resume` with tasks.charge null as command_invalid, and a valid repair still completes', async () => {
  const handle = await startExecution(env.t.client, env.w.taskQueue, charge, { ok: false, value: 'v1' });
  expect((await paused(handle)).pause).toMatchObject({ reason: 'task_failed', task_id: 'charge' });

  // The command from the bug report, verbatim.
  await cli.run('workflow', 'signal', '--workflow-id', handle.workflowId, '--name', 'resume', '--input', '{"mode":"retry","tasks":{"charge":null}}');

  const rejected = await eventOf(handle, 'CommandRejected');
  expect(rejected.data).toMatchObject({ command: 'resume', type: 'command_invalid', payload: { mode: 'retry', tasks: { charge: null } } });
  expect(rejected.data.message).toContain('tasks.charge');
  const status = await handle.query(statusQuery);
  expect(status).toMatchObject({ status: 'paused', pause: { reason: 'task_failed', task_id: 'charge' } });

  const history = (await handle.fetchHistory()).events ?? [];
  expect(history.filter((e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'resume')).toHaveLength(1);
  expect(history.filter((e) => e.workflowTaskFailedEventAttributes)).toEqual([]);

  // A valid repair: retry charge with an input that makes it succeed.
  const resumed = await handle.executeUpdate(resumeUpdate, { args: [{ mode: 'retry', tasks: { charge: { input: { ok: true, value: 'fixed' } } } }] });
  expect(resumed.plan.retries).toEqual([expect.objectContaining({ task_id: 'charge', input: 'override' })]);
  expect(await handle.result()).toMatchObject({ status: 'completed', outputs: { charged: 'fixed' } });
  expect((await journal(handle)).filter((e) => e.type === 'CommandRejected')).toHaveLength(1);
});
