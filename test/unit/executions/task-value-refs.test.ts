/**
 * `TaskValueResolver`: task context gets back the outputs and inputs an earlier run holds
 * (`output_ref`, `input_ref`), for the task and each of its runs; refs that cannot be resolved stay.
 */
import { SegmentedJournal } from '../../../src/executions/journal-segments';
import { isValueRef, TaskValueResolver } from '../../../src/executions/task-value-refs';
import type { TaskContextView, TaskView } from '../../../src/workflows/contracts';
import { FakeSegments } from './fake-segments';

function view(extra: Partial<TaskView>): TaskView {
  return { task_id: 't', task_exec_id: 'te', type: 'basic', status: 'succeeded', branch: null, attempts: 1, scheduled_at: '', started_at: null, finished_at: null, output: null, error: null, ...extra };
}

function contextOf(top: Partial<TaskView>, runs: Array<Partial<TaskView>>): TaskContextView {
  return { ...view(top), inbound_context: {}, input: {}, resume_data: null, runs: runs.map(view) };
}

const source = new FakeSegments({ total: 30, boundaries: [11, 21] });
const resolver = new TaskValueResolver(new SegmentedJournal({ source }));
const id = source.executionId;

it('puts the referenced outputs back, in the task and in its runs, and drops the refs', async () => {
  // Seq 12 and 15 are TaskExecutionSuccess events of run-1 (fake-segments: every third seq).
  const resolved = await resolver.resolveContext(id, contextOf({ output_ref: { run_id: 'run-1', seq: 15 } }, [{ output_ref: { run_id: 'run-1', seq: 12 } }, { output: { inline: true } }]));
  expect(resolved.output).toEqual({ seq: 15 });
  expect(resolved).not.toHaveProperty('output_ref');
  expect(resolved.runs.map((r) => [r.output, r.output_ref])).toEqual([[{ seq: 12 }, undefined], [{ inline: true }, undefined]]);
});

it('leaves a ref it cannot resolve: a gone run, a seq outside the run, an event without output, a malformed ref', async () => {
  source.gone.add('run-0');
  const refs: unknown[] = [
    { run_id: 'run-0', seq: 3 },
    { run_id: 'run-1', seq: 25 },
    { run_id: 'run-1', seq: 13 },
    { run_id: 42, seq: 3 },
    { run_id: 'run-1', seq: 0 },
    'run-1:12',
  ];
  for (const ref of refs) {
    const resolved = await resolver.resolveContext(id, contextOf({ output_ref: ref as TaskView['output_ref'] }, []));
    expect(resolved.output).toBeNull();
    expect(resolved.output_ref).toEqual(ref);
  }
  expect(refs.map(isValueRef)).toEqual([true, true, true, false, false, false]);
});

it('puts a referenced input back from the event\'s data.input', async () => {
  const inputs = new FakeSegments({ total: 12, boundaries: [11] });
  inputs.read = ((read) => async (...args: Parameters<FakeSegments['read']>) => {
    const page = await read(...args);
    return { ...page, events: page.events.map((e) => ({ ...e, data: { ...e.data, input: { at: e.seq } } })) };
  })(inputs.read.bind(inputs));
  const context = { ...contextOf({}, []), input: null, input_ref: { run_id: 'run-0', seq: 4 } };
  const resolved = await new TaskValueResolver(new SegmentedJournal({ source: inputs })).resolveContext(inputs.executionId, context);
  expect(resolved.input).toEqual({ at: 4 });
  expect(resolved).not.toHaveProperty('input_ref');
});
