/**
 * `taskViewsWithinBudget` (src/workflows/view-budget.ts), for any outputs: the inline outputs fit the
 * budget unless only outputs without a ref are left; a view leaves out larger outputs before smaller
 * ones; nothing else of a view changes.
 */
import fc from 'fast-check';
import { TaskStatus } from '../../../src/workflows/states';
import { TaskRun } from '../../../src/workflows/task-run';
import { jsonByteLength } from '../../../src/workflows/payload-size';
import { taskViewsWithinBudget } from '../../../src/workflows/view-budget';

function runOf(i: number, bytes: number, withRef: boolean): TaskRun {
  const run = new TaskRun(`t${i}`, `t${i}-1`, 'basic', null, {}, 1, '2026-12-02T00:00:00.000Z');
  run.finish(TaskStatus.Succeeded, { output: { data: 'x'.repeat(bytes) } });
  if (withRef) run.outputRef = { run_id: 'run-1', seq: 100 + i };
  return run;
}

const inlineBytes = (views: ReturnType<typeof taskViewsWithinBudget>) => views.reduce((sum, v) => sum + (v.output_ref === undefined ? (jsonByteLength(v.output) ?? 0) : 0), 0);

it('keeps every output inline when they fit', () => {
  const runs = [runOf(0, 100, true), runOf(1, 200, true)];
  expect(taskViewsWithinBudget(runs, 1_000)).toEqual(runs.map((r) => r.view()));
});

it('leaves the largest outputs as refs until the rest fit, whatever the sizes', () => {
  fc.assert(
    fc.property(fc.array(fc.record({ bytes: fc.nat(5_000), withRef: fc.boolean() }), { maxLength: 12 }), fc.nat(20_000), (specs, budget) => {
      const runs = specs.map((s, i) => runOf(i, s.bytes, s.withRef));
      const views = taskViewsWithinBudget(runs, budget);
      expect(views).toHaveLength(runs.length);
      const left = views.filter((v) => v.output_ref !== undefined && v.output === null);
      if (inlineBytes(views) > budget) expect(views.every((v, i) => v.output_ref !== undefined || runs[i]!.outputRef === null)).toBe(true);
      const smallestLeft = Math.min(...left.map((v) => jsonByteLength(runs[views.indexOf(v)]!.output) ?? 0));
      for (const [i, v] of views.entries()) {
        const { output: _output, output_ref: _ref, ...rest } = v;
        const { output: _o, output_ref: _r, ...same } = runs[i]!.view();
        expect(rest).toEqual(same);
        if (v.output_ref === undefined && runs[i]!.outputRef !== null && left.length > 0) expect(jsonByteLength(v.output) ?? 0).toBeLessThanOrEqual(smallestLeft);
        if (v.output_ref !== undefined) expect(v.output_ref).toEqual(runs[i]!.outputRef);
      }
    }),
  );
});
