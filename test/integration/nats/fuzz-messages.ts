/**
 * fast-check arbitraries of NATS command messages for the fuzz test: every command subject, with odd
 * subject tokens, headers and bodies (test/integration/fuzz/hostile-json.ts). Like the REST generator,
 * most messages break one thing only, so they get past the other checks; the rest break everything.
 */
import fc from 'fast-check';
import { hostileBodyArb, invalidUtf8Arb, nearValidBodyArb } from '../fuzz/hostile-json';

/** An open execution, its definition, and its open gates. */
export interface NatsTarget {
  workflowId: string;
  executionId: string;
  gates: Array<{ taskExecId: string; reason: string }>;
}

/** What the messages aim at. */
export interface NatsFuzzTargets {
  live: NatsTarget[];
  /** Executions a fuzzed cancel may close, with their definitions. */
  cancellable: Array<{ workflowId: string; executionId: string }>;
  /** Temporal workflows that are not executions (the registry). */
  foreign: string[];
  operatorKey: string;
}

/** One generated message: the subject after the prefix, headers, and the body as bytes. */
export interface FuzzMessage {
  command: string;
  fault: (typeof FAULTS)[number];
  subject: string;
  headers: Record<string, string>;
  payload: Uint8Array;
}

const FAULTS = ['none', 'subject', 'auth', 'headers', 'body-value', 'body-shape', 'chaos'] as const;

/** Subject tokens that are not ids. NATS itself refuses dots, spaces and wildcards in a published subject. */
const oddTokenArb: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'binary', minLength: 1, maxLength: 20 }).filter((s) => !/[.\s*>]/.test(s)),
  fc.constantFrom('\\', "a'b", 'a\\', '"', 'UPPER', '-', 'a--', '__proto__', 'constructor', 'x'.repeat(600), 'ördér', '%00', '$JS'),
  fc.uuid(),
);

/** The command's fields with plausible values: the required ones always, some of the others. */
function plausibleBodyArb(plausible: Record<string, fc.Arbitrary<string>>, required: readonly string[]): fc.Arbitrary<string> {
  const optional = Object.keys(plausible).filter((k) => !required.includes(k));
  return fc
    .tuple(fc.tuple(...required.map((k) => plausible[k]!)), fc.subarray(optional))
    .chain(([requiredValues, chosen]) =>
      fc.tuple(...chosen.map((k) => plausible[k]!)).map((values) => [...required.map((k, i) => [k, requiredValues[i]!] as const), ...chosen.map((k, i) => [k, values[i]!] as const)]),
    )
    .map((entries) => `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`);
}

const manyKeys = fc.integer({ min: 10_000, max: 80_000 }).map((n) => `{${Array.from({ length: n }, (_, i) => `"k${i}":1`).join(',')}}`);

function badShapeArb(fields: readonly string[]): fc.Arbitrary<Uint8Array> {
  return fc.oneof(
    { weight: 8, arbitrary: hostileBodyArb(fields).map(encode) },
    { weight: 1, arbitrary: invalidUtf8Arb.map((b) => new Uint8Array(b)) },
    { weight: 1, arbitrary: manyKeys.map(encode) },
    { weight: 1, arbitrary: fc.constant(encode(JSON.stringify({ reason: 'x'.repeat(900_000) }))) },
  );
}

const badAuthArb = fc.constantFrom<Record<string, string>>(
  {},
  { Authorization: 'Bearer' },
  { Authorization: 'Basic YTpi' },
  { Authorization: 'Bearer not-a-key-0123456789abcdef' },
  { 'X-API-Key': 'other-key-0123456789abcdef' },
  { Authorization: `Bearer ${'x'.repeat(5000)}` },
  { Authorization: 'Bearer ключ-0123456789abcdef' },
);

const badHeadersArb: fc.Arbitrary<Record<string, string>> = fc.record(
  {
    'Idempotency-Key': fc.oneof(fc.string({ unit: 'binary', maxLength: 300 }).filter((s) => !/[\r\n]/.test(s)), fc.constantFrom('x'.repeat(256), ' ', 'ok-key-1')),
    'idempotency-key': fc.constantFrom('ok-key-2', 'ключ'),
    'Nats-Msg-Id': fc.constantFrom('x', ''),
    'Content-Type': fc.constantFrom('text/plain', 'application/yaml'),
  },
  { requiredKeys: [] },
);

/** Every command, the faults it can have, and the message it becomes. */
export function fuzzMessageArb(targets: NatsFuzzTargets): fc.Arbitrary<FuzzMessage> {
  const live = fc.constantFrom(...targets.live);
  const gatesOf = (reason: string) => targets.live.flatMap((x) => x.gates.filter((g) => g.reason === reason).map((g) => ({ ...x, taskExecId: g.taskExecId })));
  const anyGate = fc.constantFrom(...targets.live.flatMap((x) => x.gates.map((g) => ({ ...x, taskExecId: g.taskExecId }))));
  const s = JSON.stringify;
  type Spec = {
    command: string;
    weight: number;
    subject: fc.Arbitrary<string>;
    oddSubject: fc.Arbitrary<string>;
    fields: string[];
    plausible: Record<string, fc.Arbitrary<string>>;
    required?: string[];
  };
  const oddWorkflowSubject = (verb: string): fc.Arbitrary<string> =>
    fc.oneof(
      fc.tuple(oddTokenArb, live).map(([wf, x]) => `commands.workflow.${wf}.${verb}.${x.executionId}`),
      fc.tuple(live, oddTokenArb).map(([x, id]) => `commands.workflow.${x.workflowId}.${verb}.${id}`),
      fc.tuple(live, live).map(([x, y]) => `commands.workflow.${x.workflowId}.${verb}.${y.executionId}`),
      fc.tuple(live, fc.constantFrom(...targets.foreign)).map(([x, id]) => `commands.workflow.${x.workflowId}.${verb}.${id}`),
      fc.tuple(live, oddTokenArb).map(([x, v]) => `commands.workflow.${x.workflowId}.${v}.${x.executionId}`),
      live.map((x) => `commands.workflow.${x.workflowId}.${verb}.${x.executionId}.extra`),
      live.map((x) => `commands.workflow.${x.workflowId}.${verb}`),
      live.map((x) => `commands.workflow.${x.workflowId}`),
    );
  const oddTaskSubject = (verb: string): fc.Arbitrary<string> =>
    fc.oneof(
      fc.tuple(oddTokenArb, anyGate).map(([wf, g]) => `commands.task.${wf}.${verb}.${g.taskExecId}`),
      fc.tuple(anyGate, oddTokenArb).map(([g, t]) => `commands.task.${g.workflowId}.${verb}.${t}`),
      fc.tuple(live, anyGate).map(([x, g]) => `commands.task.${x.workflowId}.${verb}.${g.taskExecId}`),
      anyGate.map((g) => `commands.task.${g.workflowId}.${verb}`),
    );
  const onLive = (verb: string): fc.Arbitrary<string> => live.map((x) => `commands.workflow.${x.workflowId}.${verb}.${x.executionId}`);
  const onGate = (verb: string, reason: string): fc.Arbitrary<string> => fc.constantFrom(...gatesOf(reason)).map((g) => `commands.task.${g.workflowId}.${verb}.${g.taskExecId}`);
  const executionIds = fc.constantFrom(...targets.live.map((x) => s(x.executionId)), ...targets.foreign.map((id) => s(id)));
  const specs: Spec[] = [
    { command: 'trigger', weight: 2, subject: live.map((x) => `commands.workflow.${x.workflowId}.trigger`), oddSubject: fc.oneof(oddTokenArb.map((wf) => `commands.workflow.${wf}.trigger`), live.map((x) => `commands.workflow.${x.workflowId}.trigger.${x.executionId}`)), fields: ['input', 'version'], plausible: { input: fc.constantFrom('{}', '{"n":1}'), version: fc.constantFrom('1', '2') } },
    { command: 'pause', weight: 3, subject: onLive('pause'), oddSubject: oddWorkflowSubject('pause'), fields: ['reason', 'mode', 'execution_id'], plausible: { reason: fc.constant('"fuzz"'), mode: fc.constantFrom('"graceful"', '"immediate"', '"sideways"'), execution_id: executionIds } },
    { command: 'resume', weight: 3, subject: onLive('resume'), oddSubject: oddWorkflowSubject('resume'), fields: ['mode', 'tasks', 'context', 'reason', 'dry_run', 'execution_id'], plausible: { mode: fc.constantFrom('"continue"', '"retry"', '"skip"', '"bogus"'), dry_run: fc.constantFrom('true', 'false', '"yes"'), tasks: fc.constantFrom('{"approve":{"action":"skip","output":{}}}', '{}'), context: fc.constantFrom('{"input":{"x":1}}', '[]'), execution_id: executionIds } },
    { command: 'cancel', weight: 1, subject: fc.constantFrom(...targets.cancellable).map((x) => `commands.workflow.${x.workflowId}.cancel.${x.executionId}`), oddSubject: oddWorkflowSubject('cancel').filter((subject) => !targets.live.some((x) => subject.endsWith(`.cancel.${x.executionId}`))), fields: ['execution_id'], plausible: {} },
    { command: 'task resume', weight: 3, subject: onGate('resume', 'waiting_for_signal'), oddSubject: oddTaskSubject('resume'), fields: ['resume_data', 'execution_id'], plausible: { resume_data: fc.constantFrom('{"carrier":""}', '{"carrier":7}', '{}', 'null'), execution_id: executionIds }, required: ['resume_data'] },
    { command: 'decide', weight: 3, subject: onGate('decide', 'approval_required'), oddSubject: oddTaskSubject('decide'), fields: ['decision', 'comment', 'data', 'execution_id'], plausible: { decision: fc.constantFrom('"approve"', '"reject"', '"maybe"'), comment: fc.constant('"ok"'), data: fc.constantFrom('{"note":7}', '{}'), execution_id: executionIds }, required: ['decision'] },
  ];
  const auth = { Authorization: `Bearer ${targets.operatorKey}` };
  return fc
    .tuple(fc.oneof(...specs.map((spec) => ({ weight: spec.weight, arbitrary: fc.constant(spec) }))), fc.constantFrom(...FAULTS))
    .chain(([spec, fault]) => {
      const hit = (f: (typeof FAULTS)[number]): boolean => fault === f || fault === 'chaos';
      // Cancel never takes a live execution from its body: it would end a target.
      const fields = spec.command === 'cancel' ? spec.fields.filter((f) => f !== 'execution_id') : spec.fields;
      return fc
        .record({
          subject: hit('subject') ? spec.oddSubject : spec.subject,
          auth: hit('auth') ? badAuthArb : fc.constant(auth),
          extra: hit('headers') ? badHeadersArb : fc.constant({}),
          payload: hit('body-shape') ? badShapeArb(fields) : hit('body-value') ? nearValidBodyArb(fields, {}, false).map(encode) : plausibleBodyArb(spec.plausible, spec.required ?? []).map(encode),
        })
        .map(({ subject, auth: a, extra, payload }): FuzzMessage => ({ command: spec.command, fault, subject, headers: { ...extra, ...a }, payload }));
    });
}

function encode(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}
