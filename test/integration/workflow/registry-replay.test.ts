/**
 * Replays the registry histories (test/fixtures/histories/registry) with the current workflow code:
 * the single registry of earlier versions as that code recorded it (`before-entities/`, frozen: users'
 * dev servers run such registries, and the migration must find them replayable), the same recorded
 * now and retired by the migration's `retire` update, and a definition entity that archived versions
 * and continued as new. Any nondeterminism fails. Re-record the current ones with
 * `npx tsx scripts/record-registry-histories.ts`.
 */
import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { beforeEntitiesDir, registryFixturesDir, registryScenarios } from '../../fixtures/histories/registry/registry-scenarios';
import { replayWorkerOptions } from '../harness/replay-histories';

const jsonIn = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
const read = async (file: string) => temporal.api.history.v1.History.fromObject(JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>);
const EventType = temporal.api.enums.v1.EventType;
const eventTypes = (history: temporal.api.history.v1.IHistory) => (history.events ?? []).map((e) => e.eventType);

it('has a fixture for every scenario, and the frozen fixture of the single registry', () => {
  expect(jsonIn(registryFixturesDir)).toEqual(registryScenarios.map((s) => `${s.name}.json`).sort());
  expect(jsonIn(beforeEntitiesDir)).toEqual(['legacy-registry.json']);
});

it.each([
  ...jsonIn(beforeEntitiesDir).map((f) => ['recorded before the definition entities', path.join(beforeEntitiesDir, f)] as const),
  ...jsonIn(registryFixturesDir).map((f) => ['recorded with the current code', path.join(registryFixturesDir, f)] as const),
])('replays %s: %s', async (_what, file) => {
  const history = await read(file);
  await expect(Worker.runReplayHistory(replayWorkerOptions('registry-replay'), history, path.basename(file))).resolves.toBeUndefined();
});

it('the fixtures hold what they are for: puts, a completed retirement, an archive and a continue-as-new', async () => {
  const types = async (name: string, dir = registryFixturesDir) => eventTypes(await read(path.join(dir, `${name}.json`)));
  const updates = (list: unknown[]) => list.filter((t) => t === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED).length;
  expect(updates(await types('legacy-registry', beforeEntitiesDir))).toBe(10);
  expect(updates(await types('legacy-registry'))).toBe(10);
  expect((await types('legacy-registry-retired')).at(-1)).toBe(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED);
  const entity = await types('definition-entity');
  expect(entity).toContain(EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED);
  expect(entity.at(-1)).toBe(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW);
});
