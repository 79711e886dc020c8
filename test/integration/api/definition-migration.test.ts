/**
 * Migration of the single `cadenzaRegistry` workflow of earlier versions to one entity per
 * definition, against a real dev server and worker: versions and registration dates intact, exactly
 * once when two API nodes start together, the old workflow frozen then completed, nothing to do the
 * next time.
 */
import { randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import { DefinitionStore } from '../../../src/definitions/store';
import { cadenzaRegistry } from '../../../src/workflows';
import { getDefinitionQuery, listDefinitionsQuery, putDefinitionUpdate, type StoredDefinition } from '../../../src/workflows/registry-messages';
import { validateDefinitionObject } from '../../../src/definitions/parse';
import { connectTestClient, startTestWorker, type TestClient, type TestWorker } from '../harness';
import { sampleDefinition } from './api-context';

jest.setTimeout(120_000);

let t: TestClient;
let w: TestWorker;

beforeAll(async () => {
  t = await connectTestClient();
  w = await startTestWorker();
});

afterAll(async () => {
  await w?.shutdown();
  await t?.close();
});

/** A single registry as an earlier version left it: `count` definitions, versions 1..3 and one at 7 (a gap). */
async function legacyRegistry(count: number, maxHistoryLength?: number): Promise<{ registryId: string; handle: WorkflowHandle<typeof cadenzaRegistry>; stored: StoredDefinition[] }> {
  const registryId = `legacy-${randomUUID()}`;
  const handle = await t.client.workflow.start(cadenzaRegistry, {
    args: [maxHistoryLength ? { max_history_length: maxHistoryLength } : {}],
    taskQueue: w.taskQueue,
    workflowId: registryId,
  });
  const stored: StoredDefinition[] = [];
  for (let i = 0; i < count; i++) {
    const id = `old-${i}`;
    for (const version of [1, 2, 3, ...(i % 3 === 0 ? [7] : [])]) {
      const definition = validateDefinitionObject({ ...sampleDefinition(id, { description: `v${version}` }), version });
      stored.push((await handle.executeUpdate(putDefinitionUpdate, { args: [{ definition }] })).stored);
    }
  }
  return { registryId, handle, stored };
}

const store = (registryId: string) => new DefinitionStore({ client: t.client, taskQueue: w.taskQueue, registryId, cacheTtlMs: 0 });

it('moves every version with its date, exactly once across two nodes, and completes the old registry', async () => {
  // A continued-as-new registry too: its state crossed runs before the migration.
  const { registryId, handle, stored } = await legacyRegistry(12, 40);
  const [a, b] = [store(registryId), store(registryId)];
  const [ra, rb] = await Promise.all([a.migrated(), b.migrated()]);

  expect(ra.conflicts).toEqual([]);
  expect(rb.conflicts).toEqual([]);
  // Each version was created once: the other node found it identical.
  expect(ra.created + rb.created).toBe(stored.length);
  expect(['migrated', 'none']).toContain(ra.status);
  expect((await handle.describe()).status.name).toBe('COMPLETED');

  const fresh = store(registryId);
  for (const old of stored) {
    const moved = await fresh.get(old.definition.id, old.definition.version);
    expect(moved).toEqual(old);
  }
  // The latest is version 7 where there was one, 3 elsewhere; and nothing is left to migrate.
  expect((await fresh.get('old-0'))?.definition.version).toBe(7);
  expect((await fresh.get('old-1'))?.definition.version).toBe(3);
  expect((await fresh.migrated()).status).toBe('none');
  // New versions continue after the migrated ones.
  const next = await fresh.put(validateDefinitionObject(sampleDefinition('old-0', { description: 'after' })));
  expect([next.outcome, next.stored.definition.version]).toEqual(['created', 8]);
});

it('freezes the old registry first: a put from a node not yet upgraded is refused, and the frozen one still reads', async () => {
  const { handle, stored } = await legacyRegistry(2);
  await handle.executeUpdate('retire', { args: [{ complete: false }] });
  const refused = handle.executeUpdate(putDefinitionUpdate, { args: [{ definition: validateDefinitionObject(sampleDefinition('late')) }] });
  await expect(refused).rejects.toMatchObject({ cause: { type: 'InvalidRequest', message: expect.stringMatching(/migrated/) } });
  expect((await handle.query(listDefinitionsQuery)).map((s) => s.id)).toEqual(['old-0', 'old-1']);
  expect(await handle.query(getDefinitionQuery, 'old-1', 2)).toEqual(stored.find((s) => s.definition.id === 'old-1' && s.definition.version === 2));
  // A malformed retire is refused, not a failed workflow task.
  await expect(handle.executeUpdate('retire', { args: [{ complete: 'yes' }] })).rejects.toMatchObject({ cause: { type: 'InvalidRequest' } });
  // A migration after a crash between freeze and copy still completes it.
  const report = await store(handle.workflowId).migrated();
  expect([report.status, report.versions, report.created]).toEqual(['migrated', stored.length, stored.length]);
  expect((await handle.describe()).status.name).toBe('COMPLETED');
});

it('keeps the old registry (frozen) when a version differs from what an entity already holds, and says which', async () => {
  const { registryId, handle } = await legacyRegistry(1);
  // Registered under the new design before the migration ran, with another body at version 1.
  const early = store(registryId);
  (early as unknown as { migration: Promise<unknown> }).migration = Promise.resolve({ status: 'none' });
  await early.put(validateDefinitionObject({ ...sampleDefinition('old-0', { description: 'different' }), version: 1 }));

  const report = await store(registryId).migrated();
  expect(report.status).toBe('conflicts');
  expect(report.conflicts).toEqual([{ id: 'old-0', version: 1, detail: expect.stringMatching(/different body/) }]);
  expect((await handle.describe()).status.name).toBe('RUNNING');
  await handle.terminate('test done');
});
