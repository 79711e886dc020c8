/**
 * Text no protobuf can carry: a JS string with a lone surrogate (JSON's `"\udfff"` decodes to one)
 * that a refusal or a task failure quotes. Before the failure converter (src/workflows/failure-converter.ts)
 * the SDK's core could not decode the worker's completion and shut the whole worker down, so one
 * hostile command stopped every execution on it. Now the text arrives with U+FFFD in its place and the
 * worker goes on.
 */
import { randomUUID } from 'node:crypto';
import { useClientAndWorker } from '../harness';
import { tools } from '../fixtures/test-tools';
import { CommandErrorType } from '../../../src/workflows/commands';
import { cadenzaInterpreter } from '../../../src/workflows';
import type { ExecutionInput } from '../../../src/workflows/contracts';
import { decideUpdate, resumeUpdate, taskResumeUpdate } from '../../../src/workflows/messages';
import { definition, journal, startExecution } from './start-execution';
import { paused, refusal, statusWhen } from './pause-resume-probes';

const env = useClientAndWorker({ tools });
const LONE = 'a\udfffb';
const REPLACED = 'a\ufffdb';
/** No lone surrogate: under the `u` flag a pair is one code point, only a lone half is `Cs`. */
const wellFormed = (text: string) => !/\p{Cs}/u.test(text);

const approvalThenEcho = definition({
  id: 'unencodable-approval',
  tasks: [
    { id: 'approve', type: 'approval', on_approve: { next: 'done' } },
    { id: 'done', type: 'basic', tool: 'echo', with: { ok: true } },
  ],
});

it('refuses updates that quote a lone surrogate with U+FFFD in the message, and the worker goes on', async () => {
  const handle = await startExecution(env.t.client, env.w.taskQueue, approvalThenEcho);
  await paused(handle);
  const refusals = await Promise.all([
    refusal(handle.executeUpdate(decideUpdate, { args: [{ task_id: LONE, decision: 'approve', actor: 'carol' }] })),
    refusal(handle.executeUpdate(taskResumeUpdate, { args: [{ task_id: LONE, resume_data: {}, actor: 'carol' }] })),
    refusal(handle.executeUpdate(resumeUpdate, { args: [{ mode: 'continue', tasks: { [LONE]: { action: 'retry' } }, actor: LONE }] })),
    refusal(handle.executeUpdate(decideUpdate.name, { args: [{ task_id: 'approve', decision: LONE, actor: 'carol' }] })),
  ]);
  for (const r of refusals.slice(0, 3)) expect(r.message).toContain(REPLACED);
  expect(refusals.map((r) => wellFormed(r.message))).toEqual(refusals.map(() => true));
  expect(refusals[0].type).toBe(CommandErrorType.TaskNotFound);

  expect(env.w.worker.getState()).toBe('RUNNING');
  await handle.executeUpdate(decideUpdate, { args: [{ task_id: 'approve', decision: 'approve', actor: 'carol' }] });
  expect(await handle.result()).toMatchObject({ status: 'completed' });
}, 30_000);

it('fails a task whose error text holds a lone surrogate with U+FFFD in its place, and the worker goes on', async () => {
  const failing = definition({
    id: 'unencodable-task-error',
    tasks: [{ id: 'boom', type: 'basic', tool: 'fail', with: { message: `broken ${LONE}`, type: `Bad${LONE}`, non_retryable: true }, retry: { maximum_attempts: 1 }, on_error: { pause: true } }],
  });
  const handle = await startExecution(env.t.client, env.w.taskQueue, failing);
  const status = await statusWhen(handle, (s) => s.pause?.gates.some((g) => g.reason === 'task_failed') === true, 'the task_failed gate');
  expect(status.pause?.task_id).toBe('boom');
  const failed = (await journal(handle)).find((e) => e.type === 'TaskExecutionFailed');
  expect(JSON.stringify(failed?.data)).toContain(`broken ${REPLACED}`);

  expect(env.w.worker.getState()).toBe('RUNNING');
  await handle.executeUpdate(resumeUpdate, { args: [{ mode: 'skip', tasks: { boom: { action: 'skip', output: {} } }, actor: 'ops' }] });
  expect(await handle.result()).toMatchObject({ status: 'completed' });
}, 30_000);

it('runs a task whose id, in a definition started past the API, holds a lone surrogate: its activity id has U+FFFD', async () => {
  const input: ExecutionInput = { definition: { id: 'unencodable-ids', version: 1, tasks: [{ id: LONE, type: 'basic', tool: 'record', with: { ok: true } }] }, input: {}, env: {}, trigger: { source: 'api' } };
  const handle = await env.t.client.workflow.start(cadenzaInterpreter, { args: [input], taskQueue: env.w.taskQueue, workflowId: `unencodable-ids-${randomUUID()}` });
  expect(await handle.result()).toMatchObject({ status: 'completed' });
  const scheduled = (await handle.fetchHistory()).events?.find((e) => e.activityTaskScheduledEventAttributes)?.activityTaskScheduledEventAttributes;
  expect(scheduled?.activityId).toBe(REPLACED);
  expect(env.w.worker.getState()).toBe('RUNNING');
}, 30_000);
