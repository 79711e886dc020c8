/**
 * `DefinitionVersions`, the state and put rules of a definition entity, against a model: any
 * sequence of puts (with and without versions, identical and changed bodies) and archive steps
 * answers what the rules say, keeps versions ascending and unique, keeps its bodies within the budget
 * plus one body, and can say for every version where its body is.
 */
import fc from 'fast-check';
import { DEFAULT_ENTITY_LIMITS, MAX_DEFINITION_BYTES } from '../../../src/workflows/definition-entity-messages';
import { DefinitionVersions, type VersionPlan } from '../../../src/workflows/definition-versions';
import type { Definition } from '../../../src/definitions/schema';

const limits = { ...DEFAULT_ENTITY_LIMITS, kept_bytes: 2000, max_versions: 40 };
const body = (name: string, version?: number, padding = 0): Definition => ({
  id: 'alpha',
  name,
  ...(version === undefined ? {} : { version }),
  ...(padding > 0 ? { description: 'x'.repeat(padding) } : {}),
  tasks: [{ id: 'a', type: 'basic', tool: 'echo' }],
});
const refusalType = (fn: () => unknown): string | undefined => {
  try {
    fn();
    return undefined;
  } catch (error) {
    return (error as { type?: string }).type ?? 'untyped';
  }
};

type Op = { kind: 'put'; name: string; version?: number; padding: number } | { kind: 'archive' };
const op: fc.Arbitrary<Op> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('put' as const), name: fc.constantFrom('a', 'b', 'c'), version: fc.option(fc.integer({ min: 1, max: 30 }), { nil: undefined }), padding: fc.constantFrom(0, 300, 900) }), weight: 5 },
  { arbitrary: fc.constant({ kind: 'archive' as const }), weight: 1 },
);

it('follows the put rules of the model, whatever the sequence, and keeps every version findable', () => {
  fc.assert(
    fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
      const versions = new DefinitionVersions('alpha', undefined, limits);
      const model: Array<{ version: number; name: string; padding: number }> = [];
      let archives = 0;
      for (const o of ops) {
        if (o.kind === 'archive') {
          while (versions.needsArchiving()) versions.archived(versions.archiveCandidates(), `archive-${++archives}`);
          expect(versions.sizes().kept_bytes).toBeLessThanOrEqual(limits.kept_bytes);
          continue;
        }
        const latest = model.at(-1);
        const same = (m: { name: string; padding: number } | undefined) => m !== undefined && m.name === o.name && m.padding === o.padding;
        let expected: string;
        if (o.version === undefined) expected = same(latest) ? `unchanged ${latest!.version}` : model.length >= limits.max_versions ? 'VersionLimitReached' : `created ${(latest?.version ?? 0) + 1}`;
        else {
          const existing = model.find((m) => m.version === o.version);
          if (existing) expected = same(existing) ? `unchanged ${o.version}` : 'VersionConflict';
          else if (latest && o.version < latest.version) expected = 'VersionConflict';
          else expected = model.length >= limits.max_versions ? 'VersionLimitReached' : `created ${o.version}`;
        }
        let plan: VersionPlan | undefined;
        const refused = refusalType(() => (plan = versions.plan({ definition: body(o.name, o.version, o.padding) })));
        const got = refused ?? (plan!.outcome === 'created' ? `created ${plan!.definition.version}` : `unchanged ${plan!.stored.definition.version}`);
        expect(got).toBe(expected);
        if (plan?.outcome === 'created') {
          versions.add(plan, '2026-12-01T00:00:00.000Z');
          model.push({ version: plan.definition.version, name: o.name, padding: o.padding });
        }
      }
      expect(versions.summary()?.versions ?? []).toEqual(model.map((m) => m.version));
      for (const m of model) {
        const answer = versions.get(m.version);
        if (answer && 'archived_in' in answer) expect(answer.archived_in).toMatch(/^archive-\d+$/);
        else expect(answer?.definition).toMatchObject({ version: m.version, name: m.name });
      }
      // The latest is never archived.
      if (model.length > 0) expect(versions.get()).toMatchObject({ definition: { version: model.at(-1)!.version } });
      // Continue-as-new carries the same thing.
      const again = new DefinitionVersions('alpha', versions.state(), limits);
      expect(again.summary()).toEqual(versions.summary());
      expect(again.sizes()).toEqual(versions.sizes());
    }),
    { numRuns: 300 },
  );
});

it('compares bodies as JSON: key order and the version do not count', () => {
  const versions = new DefinitionVersions('alpha', undefined, limits);
  const first = versions.plan({ definition: body('a') });
  if (first.outcome !== 'created') throw new Error('expected created');
  versions.add(first, '2026-12-01T00:00:00.000Z');
  const reordered = { tasks: [{ tool: 'echo', type: 'basic', id: 'a' }], name: 'a', id: 'alpha' } as Definition;
  expect(versions.plan({ definition: reordered })).toMatchObject({ outcome: 'unchanged', stored: { definition: { version: 1 } } });
  expect(versions.plan({ definition: { ...reordered, version: 1 } }).outcome).toBe('unchanged');
});

it('refuses a body of another id, over MAX_DEFINITION_BYTES, or with a bad registered_at, with a typed refusal', () => {
  const versions = new DefinitionVersions('alpha', undefined, limits);
  expect(refusalType(() => versions.plan({ definition: { ...body('a'), id: 'beta' } }))).toBe('InvalidRequest');
  expect(refusalType(() => versions.plan({ definition: body('a', undefined, MAX_DEFINITION_BYTES) }))).toBe('DefinitionTooLarge');
  expect(refusalType(() => versions.plan({ definition: body('a', undefined, MAX_DEFINITION_BYTES - 200) }))).toBeUndefined();
  for (const registered_at of ['yesterday', 42, 'x'.repeat(100)]) {
    expect(refusalType(() => versions.plan({ definition: body('a'), registered_at: registered_at as string }))).toBe('InvalidRequest');
  }
  for (const request of [null, {}, { definition: null }, { definition: { id: 'alpha', tasks: [] } }, { definition: { id: 'alpha', version: 0, tasks: [1] } }]) {
    expect(refusalType(() => versions.plan(request as never))).toBe('InvalidRequest');
  }
  expect(versions.get('1')).toBeNull();
  expect(versions.get(1)).toBeNull();
  expect(versions.summary()).toBeNull();
});
