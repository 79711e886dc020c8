/**
 * Property-based fuzz of every message the interpreter and a definition entity (the registry target,
 * with lowered limits so that it archives versions and continues as new under fire) take, against the real dev
 * server and a real worker: thousands of generated signals, updates and queries (arbitrary JSON,
 * wrong-typed commands, hostile strings, nesting up to 5,000 levels, unknown and reserved names, and
 * some valid commands) on executions holding every kind of gate. Whatever arrives, a signal is
 * journaled or applied, an update is applied or refused with a stable type, a query answers or fails
 * cleanly — and no workflow task ever fails. Then valid commands still complete every execution, and
 * every history recorded replays with the same code: no handler's outcome may depend on anything a
 * replay does not see again (a validator's or query's side effect, how deep the stack already is).
 *
 * Reproduce a run with CADENZA_FUZZ_SEED (printed) and CADENZA_FUZZ_COMMANDS.
 */
import {
  Client,
  Connection,
  QueryNotRegisteredError,
  ServiceError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
  type WorkflowHandle,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import fc from 'fast-check';
import { connectTestClient, startTestWorker, type TestClient, type TestWorker } from '../harness';
import { tools } from '../fixtures/test-tools';
import { CommandErrorType } from '../../../src/workflows/commands';
import type { StatusView } from '../../../src/workflows/contracts';
import type { JournalEvent } from '../../../src/workflows/events';
import { cadenzaDefinition } from '../../../src/workflows';
import {
  type ArchivedVersion,
  definitionEntityId,
  describeDefinitionQuery,
  entityStatsQuery,
  getArchivedVersionQuery,
  getVersionQuery,
} from '../../../src/workflows/definition-entity-messages';
import { decideUpdate, eventsQuery, executionQuery, resumeUpdate, statusQuery, taskResumeUpdate } from '../../../src/workflows/messages';
import { RegistryFailureType, type StoredDefinition } from '../../../src/workflows/registry-messages';
import {
  describeArgs,
  type ExecutionKind,
  executionKinds,
  FUZZ_DEFINITION_ID,
  type FuzzCommand,
  fuzzCommand,
  fuzzRegistryId,
  type TargetKind,
  wire,
} from './command-arbitraries';
import { fuzzDefinitions, initialGates } from './command-fuzz-targets';
import { definition, startExecution } from './start-execution';
import { statusWhen } from './pause-resume-probes';
import { breakage, runsOf } from './fuzz-histories';
import { replayFailures } from '../harness/replay-histories';
import { SegmentedJournal } from '../../../src/executions/journal-segments';
import { TemporalSegmentSource } from '../../../src/executions/temporal-segment-source';

const seed = Number(process.env.CADENZA_FUZZ_SEED ?? 20261201);
const numRuns = Number(process.env.CADENZA_FUZZ_COMMANDS ?? 2400);
/** Commands in flight at once. */
const width = 12;
/** Far above what a command takes; a target that needs longer is stuck. */
const commandDeadlineMs = 10_000;
/** Limits of the fuzzed definition entity: low, so that it archives and continues as new during the fuzz. */
const entityLimits = { kept_bytes: 160, max_run_puts: 3 };
/** A CommandRejected entry keeps a summary of a refused payload (payload-bounds.ts): entries stay this small. */
const MAX_REJECTED_ENTRY_CHARS = 16 * 1024;

let t: TestClient;
let w: TestWorker;
/** For histories: they hold the fuzz's payloads and outgrow gRPC's default 4 MB per message. */
let historyClient: Client;
const handles = {} as Record<ExecutionKind, WorkflowHandle> & { registry: WorkflowHandle };
let registryRunId: string;
/** The first run of every execution, for its whole history. */
const firstRuns = {} as Record<ExecutionKind, string>;

const gatesOf = (s: StatusView) => (s.pause?.gates ?? []).map((g) => `${g.reason}:${g.task_id ?? ''}`).sort();

beforeAll(async () => {
  t = await connectTestClient();
  w = await startTestWorker({ tools });
  const connection = await Connection.connect({ address: t.address, channelArgs: { 'grpc.max_receive_message_length': 512 * 1024 * 1024 } });
  historyClient = new Client({ connection, namespace: t.namespace });
  for (const kind of executionKinds) {
    const handle = await startExecution(t.client, w.taskQueue, definition({ id: `fuzz-${kind}`, ...fuzzDefinitions[kind] }), { ok: false });
    handles[kind] = handle;
    firstRuns[kind] = handle.firstExecutionRunId;
  }
  const registryId = fuzzRegistryId();
  const registry = await t.client.workflow.start(cadenzaDefinition, {
    args: [{ registry_id: registryId, definition_id: FUZZ_DEFINITION_ID, limits: entityLimits }],
    taskQueue: w.taskQueue,
    workflowId: definitionEntityId(registryId, FUZZ_DEFINITION_ID),
  });
  handles.registry = registry;
  registryRunId = registry.firstExecutionRunId;
  for (const kind of executionKinds) {
    await statusWhen(handles[kind], (s) => s.status === 'paused' && gatesOf(s).join() === initialGates[kind].join(), `${kind} at its gates`);
  }
}, 60_000);

afterAll(async () => {
  await handles.registry?.terminate('fuzz done').catch(() => undefined);
  await w?.shutdown();
  await historyClient?.connection.close();
  await t?.close();
});

// ---- what a command may answer -----------------------------------------------------------------

const interpreterRefusals: readonly string[] = Object.values(CommandErrorType);
const registryRefusals: readonly string[] = Object.values(RegistryFailureType);
const updatesOf = (target: TargetKind) => (target === 'registry' ? ['putDefinition'] : ['pause', 'resume', 'taskResume', 'decide']);
const queriesOf = (target: TargetKind) =>
  target === 'registry' ? ['getDefinition', 'describeDefinition', 'entityStats'] : ['status', 'execution', 'taskContext', 'events', 'resumePlan'];
/** Queries the SDK answers itself. */
const sdkQueries = ['__stack_trace', '__enhanced_stack_trace', '__temporal_workflow_metadata'];
const Grpc = { InvalidArgument: 3, DeadlineExceeded: 4, FailedPrecondition: 9 } as const;
const grpcCode = (err: unknown) => (err instanceof ServiceError ? (err.cause as { code?: unknown } | undefined)?.code : undefined);

/** A command outcome the contract does not allow; `stuck` when the target no longer answers at all. */
class Anomaly extends Error {
  constructor(
    message: string,
    readonly stuck = false,
  ) {
    super(message);
  }
}
/** The target answers nothing any more: its workflow task keeps failing, or nobody answers in time. */
const isStuck = (err: unknown) => err instanceof WorkflowUpdateRPCTimeoutOrCancelledError || grpcCode(err) === Grpc.FailedPrecondition || grpcCode(err) === Grpc.DeadlineExceeded;
const explain = (err: unknown): string => {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause instanceof ApplicationFailure ? ` (cause ApplicationFailure type ${String(err.cause.type)}: ${err.cause.message.slice(0, 120)})` : '';
  const grpc = err instanceof ServiceError && err.cause ? ` (${err.cause.message.slice(0, 160)})` : '';
  return `${err.constructor.name}: ${err.message.slice(0, 200)}${cause}${grpc}`;
};

/** The outcome of a refused command when it is one the contract allows; otherwise an Anomaly. */
function refusalOutcome(c: FuzzCommand, err: unknown): string {
  if (c.via === 'update' && err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) {
    const type = err.cause.type ?? '';
    const known = c.target === 'registry' ? registryRefusals : interpreterRefusals;
    if (updatesOf(c.target).includes(c.name) && known.includes(type)) return `refused ${type}`;
    if (!updatesOf(c.target).includes(c.name) && type === 'Error' && err.cause.message.startsWith('No registered handler for update')) return 'refused: no such update';
  }
  if (c.via === 'query' && err instanceof QueryNotRegisteredError && !queriesOf(c.target).includes(c.name) && !sdkQueries.includes(c.name)) return 'failed: no such query';
  // The server itself refuses a name that is empty or over its length limit; the message never reaches the workflow.
  const badName = c.name === '' || c.name.length > 256;
  if (badName && c.via !== 'query' && grpcCode(err) === Grpc.InvalidArgument && /name (is not set|length exceeds)/i.test(explain(err))) return 'refused by the server: name';
  throw new Anomaly(explain(err), isStuck(err));
}

function checkAnswer(c: FuzzCommand, answer: unknown): void {
  if (c.via !== 'update') return;
  const ok = c.target === 'registry' ? ['created', 'unchanged'].includes((answer as { outcome?: string } | null)?.outcome ?? '') : typeof answer === 'object' && answer !== null;
  if (!ok) throw new Anomaly(`accepted with an unexpected answer: ${String((answer as { outcome?: unknown } | null)?.outcome ?? answer)}`);
}

/** A query that missed its deadline on a loaded machine is asked once more: a query changes nothing. */
const missedDeadline = (err: unknown) => err instanceof Error && /DEADLINE_EXCEEDED/.test(`${err.message} ${String((err as { cause?: unknown }).cause)}`);

async function send(c: FuzzCommand, retry = c.via === 'query'): Promise<string> {
  const handle = handles[c.target];
  const args = c.args.map(wire);
  try {
    return await t.client.withDeadline(Date.now() + commandDeadlineMs, async () => {
      if (c.via === 'signal') {
        await handle.signal(c.name, ...args);
        return 'delivered';
      }
      const answer: unknown = c.via === 'update' ? await handle.executeUpdate(c.name, { args: args as [unknown, ...unknown[]] }) : await handle.query(c.name, ...args);
      checkAnswer(c, answer);
      return c.via === 'update' ? 'accepted' : 'answered';
    });
  } catch (err) {
    if (err instanceof Anomaly) throw err;
    if (retry && missedDeadline(err)) return send(c, false);
    return refusalOutcome(c, err);
  }
}

/** After a failed query, the target must still answer its own queries. */
async function stillAnswers(target: TargetKind): Promise<void> {
  try {
    if (target === 'registry') await handles.registry.query(describeDefinitionQuery);
    else await handles[target].query(statusQuery);
  } catch (err) {
    throw new Anomaly(`no answer after a failed query: ${explain(err)}`, true);
  }
}

/** Runs `run` over `items`, `width` at a time. */
async function inPool<T>(items: readonly T[], run: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const index = next++;
      await run(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: width }, lane));
}

const count = (tally: Map<string, number>, key: string) => tally.set(key, (tally.get(key) ?? 0) + 1);
const known = new Set(['pause', 'resume', 'taskResume', 'decide', 'commandRejected', 'status', 'execution', 'taskContext', 'events', 'resumePlan', 'putDefinition', 'getDefinition', 'describeDefinition', 'entityStats']);
const kindOf = (c: FuzzCommand) => `${c.target === 'registry' ? 'registry' : 'interpreter'} ${c.via} ${known.has(c.name) ? c.name : c.via === 'signal' ? '<generic>' : '<unknown>'}${c.valid ? ' (valid)' : ''}`;

// ---- the fuzz ------------------------------------------------------------------------------------

it(`survives ${numRuns} generated commands (seed ${seed})`, async () => {
  const commands = fc.sample(fuzzCommand, { seed, numRuns });
  const kinds = new Map<string, number>();
  const outcomes = new Map<string, number>();
  const anomalies = new Map<string, { times: number; first: string }>();
  /** Targets that stopped answering: the rest of their commands would only time out, so they are not sent. */
  const stuck = new Set<TargetKind>();
  const started = Date.now();
  await inPool(commands, async (c, index) => {
    count(kinds, kindOf(c));
    if (stuck.has(c.target)) return void count(outcomes, `${c.via} not sent: ${c.target} stuck`);
    try {
      const outcome = await send(c);
      count(outcomes, `${c.via} ${outcome}`);
      if (outcome.startsWith('failed')) await stillAnswers(c.target);
    } catch (err) {
      if (err instanceof Anomaly && err.stuck) stuck.add(c.target);
      const key = `${c.target} ${c.via} ${known.has(c.name) ? c.name : '<other>'}: ${err instanceof Error ? err.message : String(err)}`;
      const seen = anomalies.get(key);
      if (seen) seen.times++;
      else anomalies.set(key, { times: 1, first: `#${index} ${c.via} ${JSON.stringify(c.name).slice(0, 60)} to ${c.target} with (${describeArgs(c.args)})` });
    }
  });
  const report = [
    `command fuzz: seed ${seed}, ${commands.length} commands in ${((Date.now() - started) / 1000).toFixed(1)}s, ${width} in flight`,
    ...[...kinds].sort().map(([k, n]) => `  ${n}\t${k}`),
    '  outcomes:',
    ...[...outcomes].sort().map(([k, n]) => `  ${n}\t${k}`),
  ];
  console.log(report.join('\n'));
  expect([...anomalies].map(([key, a]) => `${a.times}x ${key}\n    first: ${a.first}`)).toEqual([]);
}, 240_000);

// ---- afterwards: nothing broke -----------------------------------------------------------------------

/** The whole journal across the execution's runs (it may have continued as new), in pages small enough for any entry size. */
async function wholeJournal(journal: SegmentedJournal, executionId: string): Promise<JournalEvent[]> {
  const events: JournalEvent[] = [];
  for (;;) {
    const page = await journal.page(executionId, events.length, 20);
    events.push(...page.events);
    if (!page.has_more) return events;
  }
}

describe.each(executionKinds)('after the fuzz, the %s execution', (kind) => {
  it('has no failed workflow task, answers its queries, and keeps a gapless journal with the refusals', async () => {
    const handle = handles[kind];
    expect(breakage(await runsOf(historyClient, handle.workflowId, firstRuns[kind]))).toEqual([]);
    expect(['paused', 'pausing', 'running']).toContain((await handle.query(statusQuery)).status);
    expect((await handle.query(executionQuery)).execution_id).toBe(handle.workflowId);
    // The default pages answer: refused commands cannot make the journal unreadable. The run's own
    // segment may be empty when it has just continued as new; the journal across runs is not.
    const segment = await handle.query(eventsQuery);
    expect(segment.events.length > 0 || (segment.first_seq ?? 1) > 1).toBe(true);
    const journal = new SegmentedJournal({ source: new TemporalSegmentSource(historyClient) });
    expect((await journal.page(handle.workflowId, undefined, undefined)).events.length).toBeGreaterThan(0);
    const events = await wholeJournal(journal, handle.workflowId);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events[0]?.type).toBe('WorkflowExecutionStarted');
    const rejected = events.filter((e) => e.type === 'CommandRejected');
    expect(rejected.length).toBeGreaterThan(0);
    // Past a run's first refusals they are journaled as counts (src/workflows/rejection-tally.ts).
    for (const e of rejected.filter((r) => r.data.aggregated !== true)) expect([typeof e.data.command, typeof e.data.type, typeof e.data.message]).toEqual(['string', 'string', 'string']);
    for (const b of rejected.flatMap((r) => (r.data.aggregated === true ? (r.data.by as Array<Record<string, unknown>>) : []))) expect([typeof b.command, typeof b.type, typeof b.count]).toEqual(['string', 'string', 'number']);
    const sizes = (e: JournalEvent) => ['command', 'type', 'message'].map((k) => `${k} ${String(e.data[k]).length}`).join(', ');
    const oversized = rejected.filter((e) => JSON.stringify(e).length > MAX_REJECTED_ENTRY_CHARS);
    expect(oversized.map((e) => `seq ${e.seq} ${String(e.data.command).slice(0, 20)}/${String(e.data.type).slice(0, 30)}: ${JSON.stringify(e).length} chars (actor ${e.actor?.length ?? 0}, ${sizes(e)})`)).toEqual([]);
  }, 60_000);
});

describe('after the fuzz, the definition entity', () => {
  it('has no failed workflow task, kept its state bounded, and reads back ascending, unique versions, archived ones too', async () => {
    const registry = handles.registry;
    expect(breakage(await runsOf(historyClient, registry.workflowId, registryRunId))).toEqual([]);
    const summary = await registry.query(describeDefinitionQuery);
    const stats = await registry.query(entityStatsQuery);
    console.log(`definition entity after the fuzz: ${JSON.stringify(stats)}, versions ${summary?.versions.join(',') ?? 'none'}`);
    expect(summary).not.toBeNull();
    const { versions, version } = summary!;
    const problems: string[] = [];
    if (!versions.every((v, i) => i === 0 || v > versions[i - 1]!)) problems.push(`versions not strictly ascending: ${versions.join(', ')}`);
    if (versions.at(-1) !== version) problems.push(`latest ${version} is not the last of ${versions.join(', ')}`);
    // Kept bodies stay within the budget plus one body (each a few KB here): the rest went to archives.
    if (stats.kept_bytes > entityLimits.kept_bytes + 64 * 1024) problems.push(`keeps ${stats.kept_bytes} bytes`);
    const archives = new Set<string>();
    for (const v of versions) {
      const answer: StoredDefinition | ArchivedVersion | null = await registry.query(getVersionQuery, v);
      const stored = answer && 'archived_in' in answer ? (archives.add(answer.archived_in), await t.client.workflow.getHandle(answer.archived_in).query(getArchivedVersionQuery, v)) : answer;
      if (stored?.definition.version !== v) problems.push(`version ${v} reads back as ${JSON.stringify(stored?.definition.version)}`);
    }
    for (const archive of archives) problems.push(...breakage(await runsOf(historyClient, archive)).map((b) => `${archive}: ${b}`));
    expect(problems).toEqual([]);
  }, 60_000);
});

// ---- and valid commands still finish every execution ---------------------------------------------------

/** Sends what the open gates need: a resume for pauses, breakpoints and failed tasks, a decision, resume data, the release signal. */
async function release(handle: WorkflowHandle, s: StatusView): Promise<void> {
  const gates = s.pause?.gates ?? [];
  const failed = gates.filter((g) => g.reason === 'task_failed').map((g) => [g.task_id, { action: 'retry', input: { ok: true } }] as const);
  if (gates.some((g) => ['manual', 'breakpoint', 'task_failed'].includes(g.reason))) {
    await handle.executeUpdate(resumeUpdate, { args: [{ mode: 'continue', tasks: Object.fromEntries(failed), actor: 'fuzz-drain' }] });
    return;
  }
  for (const g of gates) {
    if (g.reason === 'approval_required') await handle.executeUpdate(decideUpdate, { args: [{ task_id: g.task_id!, task_exec_id: g.task_exec_id!, decision: 'approve', actor: 'carol', data: { note: 'drained' } }] });
    else if (g.task_id === 'hold') await handle.signal('fuzz-release', { by: 'fuzz-drain' });
    else await handle.executeUpdate(taskResumeUpdate, { args: [{ task_exec_id: g.task_exec_id!, resume_data: { carrier: 'ups' }, actor: 'fuzz-drain' }] });
  }
}

it.each(executionKinds)('valid commands then complete the %s execution', async (kind) => {
  const handle = handles[kind];
  for (let round = 0; round < 12; round++) {
    const s = await statusWhen(handle, (x) => x.status !== 'running' && x.status !== 'pausing', `${kind} to stop moving`, 10_000);
    if (s.status !== 'paused') break;
    await release(handle, s);
    await statusWhen(handle, (x) => x.status !== 'paused' || gatesOf(x).join() !== gatesOf(s).join(), `${kind} to move past ${gatesOf(s).join()}`, 10_000);
  }
  expect(await handle.result()).toMatchObject({ status: 'completed' });
}, 60_000);

// ---- and every history replays ---------------------------------------------------------------------

it('replays every history the fuzz recorded: no handler decided differently from how it will replay', async () => {
  const registryRuns = await runsOf(historyClient, handles.registry.workflowId, registryRunId);
  const archives = registryRuns.flatMap(({ history }) => (history.events ?? []).flatMap((e) => e.startChildWorkflowExecutionInitiatedEventAttributes?.workflowId ?? []));
  expect({ runs: registryRuns.length > 1, archives: archives.length > 0 }).toEqual({ runs: true, archives: true });
  const histories = [
    ...(await Promise.all(executionKinds.map((kind) => runsOf(historyClient, handles[kind].workflowId, firstRuns[kind])))).flat(),
    ...registryRuns,
    ...(await Promise.all(archives.map((archive) => runsOf(historyClient, archive)))).flat(),
  ];
  expect(await replayFailures('command-fuzz', histories)).toEqual([]);
}, 120_000);
