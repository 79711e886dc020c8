/**
 * Property-based fuzzing of NATS commands against a real nats-server, Temporal and worker (issue
 * "Trust I"): generated subjects, headers and bodies for every command (trigger, pause, resume,
 * cancel, task resume, decide), aimed at executions waiting on an approval, on a signal and at a
 * breakpoint. Every message gets a reply, its `Cadenza-Status` is below 500, a refusal carries a
 * catalogued problem type; the consumer keeps taking commands, no execution is broken, and valid
 * commands still drive every execution to completion. CADENZA_FUZZ_SEED and CADENZA_FUZZ_RUNS as in
 * the REST fuzz test.
 */
import { headers as natsHeaders } from '@nats-io/transport-node';
import fc from 'fast-check';
import type { CommandReply } from '../../../src/events/command-messages';
import type { StatusView } from '../../../src/workflows/contracts';
import { eventsQuery, statusQuery } from '../../../src/workflows/messages';
import { brokenExecutions } from '../fuzz/broken-executions';
import { problemDefect, Tally } from '../fuzz/problem-types';
import { waitFor } from '../harness';
import { type CommandHarness, OPERATOR_KEY, startCommandHarness } from './command-harness';
import { type FuzzMessage, fuzzMessageArb, type NatsFuzzTargets } from './fuzz-messages';
import { financeApproval, shippingWait } from '../fixtures/edge-definitions';

jest.setTimeout(240_000);

const SEED = Number(process.env.CADENZA_FUZZ_SEED ?? 20_261_202);
const RUNS = Number(process.env.CADENZA_FUZZ_RUNS ?? 400);

const definitions = [
  financeApproval('nf-approval', { version: 1 }),
  shippingWait('nf-wait', { version: 1 }),
  { id: 'nf-break', version: 1, tasks: [{ id: 'first', type: 'basic', tool: 'echo', pause_before: true, with: { ok: true } }] },
];

const waitsFor: Record<string, string> = { 'nf-approval': 'approval_required', 'nf-wait': 'waiting_for_signal', 'nf-break': 'breakpoint' };

let h: CommandHarness;

beforeAll(async () => {
  h = await startCommandHarness(definitions);
});

afterAll(async () => {
  await h?.close();
});

function statusOf(executionId: string): Promise<StatusView> {
  return h.t.client.workflow.getHandle(executionId).query(statusQuery);
}

async function trigger(workflowId: string, input: unknown = {}): Promise<string> {
  const { reply } = await h.command(`commands.workflow.${workflowId}.trigger`, { input, version: 1 });
  if (!reply?.ok) throw new Error(`trigger ${workflowId}: ${JSON.stringify(reply)}`);
  return (reply.result as { execution_id: string }).execution_id;
}

async function startWaiting(workflowId: string): Promise<{ executionId: string; status: StatusView }> {
  const executionId = await trigger(workflowId);
  const status = await waitFor(async () => {
    const s = await statusOf(executionId);
    return s.status === 'paused' && s.pause?.reason === waitsFor[workflowId] && s;
  }, { what: `${executionId} waiting`, timeoutMs: 20_000 });
  return { executionId, status };
}

/** Resolves whatever the execution waits for with valid NATS commands, until it completes. */
async function settle(workflowId: string, executionId: string): Promise<StatusView> {
  for (let round = 0; round < 10; round++) {
    const status = await statusOf(executionId);
    if (status.status === 'completed') return status;
    if (!['running', 'pausing', 'paused'].includes(status.status)) throw new Error(`${executionId} ended ${status.status}`);
    for (const gate of status.pause?.gates ?? []) {
      const { reply, status: code } =
        gate.reason === 'approval_required'
          ? await h.command(`commands.task.${workflowId}.decide.${gate.task_exec_id!}`, { decision: 'approve', data: { note: 'settled' } })
          : gate.reason === 'waiting_for_signal'
            ? await h.command(`commands.task.${workflowId}.resume.${gate.task_exec_id!}`, { resume_data: { carrier: 'settled' } })
            : await h.command(`commands.workflow.${workflowId}.resume.${executionId}`, {});
      if (!reply?.ok && code !== 409) throw new Error(`settling ${executionId} (${gate.reason}): ${code} ${JSON.stringify(reply)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return waitFor(async () => {
    const s = await statusOf(executionId);
    return s.status === 'completed' && s;
  }, { what: `${executionId} completed`, timeoutMs: 20_000 });
}

/** Why the answer to `message` breaks the contract, or undefined. */
function defect(message: FuzzMessage, status: number, text: string): string | undefined {
  if (!Number.isInteger(status) || status < 200 || status >= 500) return `Cadenza-Status ${status}: ${text.slice(0, 500)}`;
  let reply: CommandReply;
  try {
    reply = JSON.parse(text) as CommandReply;
  } catch {
    return `the reply is not JSON: ${text.slice(0, 200)}`;
  }
  if (reply.ok) return status === 200 || status === 202 ? undefined : `ok reply with status ${status}`;
  return problemDefect(reply.problem, status);
}

function describeMessage(message: FuzzMessage): string {
  const body = new TextDecoder().decode(message.payload).slice(0, 300);
  return `${message.subject.slice(0, 300)} headers=${JSON.stringify(message.headers).slice(0, 300)} body=${body}`;
}

it(`answers every command message with a reply below 500 and a catalogued problem, and loses nothing (${RUNS} messages, seed ${SEED})`, async () => {
  const started = Date.now();
  const live = await Promise.all(['nf-approval', 'nf-wait', 'nf-break'].map(async (workflowId) => ({ workflowId, ...(await startWaiting(workflowId)) })));
  const victims = await Promise.all(['nf-approval', 'nf-wait'].map(async (workflowId) => ({ workflowId, executionId: await trigger(workflowId) })));
  const targets: NatsFuzzTargets = {
    live: live.map((x) => ({ workflowId: x.workflowId, executionId: x.executionId, gates: x.status.pause!.gates.flatMap((g) => (g.task_exec_id === null ? [] : [{ taskExecId: g.task_exec_id, reason: g.reason }])) })),
    cancellable: victims,
    foreign: [h.registryId],
    operatorKey: OPERATOR_KEY,
  };

  const statuses = new Tally();
  const slugs = new Tally();
  await fc.assert(
    fc.asyncProperty(fuzzMessageArb(targets), async (message) => {
      const headers = natsHeaders();
      for (const [k, v] of Object.entries(message.headers)) headers.set(k, v);
      const answer = await h.nc.request(`${h.prefix}.${message.subject}`, message.payload, { timeout: 20_000, headers }).catch((error: unknown) => {
        throw new Error(`no reply (${error instanceof Error ? error.message : String(error)})\n  message: ${describeMessage(message)}\n  reproduce with CADENZA_FUZZ_SEED=${SEED}`);
      });
      const status = Number(answer.headers?.get('Cadenza-Status'));
      const text = answer.string();
      statuses.add(`${message.command} ${status}`);
      const wrong = defect(message, status, text);
      if (wrong !== undefined) throw new Error(`${wrong}\n  message: ${describeMessage(message)}\n  reproduce with CADENZA_FUZZ_SEED=${SEED}`);
      const reply = JSON.parse(text) as CommandReply;
      if (!reply.ok) slugs.add(reply.problem.type.split('/').pop() ?? '?');
    }),
    { seed: SEED, numRuns: RUNS, endOnFailure: true },
  );
  process.stderr.write(`NATS fuzz: ${statuses.total} messages in ${Date.now() - started} ms (seed ${SEED})\n  by command and status: ${String(statuses)}\n  problem types: ${String(slugs)}\n`);
  expect(statuses.total).toBe(RUNS);

  // The consumer still takes commands, and nothing the fuzzing sent broke an execution.
  expect(h.worker.worker.getState()).toBe('RUNNING');
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  expect(await brokenExecutions(h.t.client, h.taskQueue)).toEqual([]);

  for (const x of live) {
    expect((await settle(x.workflowId, x.executionId)).status).toBe('completed');
    const { events } = await h.t.client.workflow.getHandle(x.executionId).query(eventsQuery, { limit: 1000 });
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events.at(-1)!.type).toBe('WorkflowExecutionSuccess');
  }

  // And a fresh execution runs as before, woken by a valid TaskResume.
  const fresh = await startWaiting('nf-wait');
  const gate = fresh.status.pause!.gates[0]!;
  const woken = await h.command(`commands.task.nf-wait.resume.${gate.task_exec_id!}`, { resume_data: { carrier: 'after-fuzz' } });
  expect(woken.status).toBe(200);
  expect((await h.t.client.workflow.getHandle(fresh.executionId).result()).outputs).toEqual({ carrier: 'after-fuzz' });
});
