import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DefinitionError } from '../../../src/definitions/definition-error';
import { loadDefinitionsFromDirectory } from '../../../src/definitions/load-directory';

const yamlDefinition = (id: string): string => `id: ${id}\ntasks:\n  - { id: hello, type: basic, tool: echo }\n`;
const jsonDefinition = (id: string): string => JSON.stringify({ id, tasks: [{ id: 'hello', type: 'basic', tool: 'echo' }] });

describe('loadDefinitionsFromDirectory', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cadenza-defs-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('loads yaml, yml and json files in name order and ignores everything else', async () => {
    await writeFile(join(dir, 'b.yml'), yamlDefinition('bravo'));
    await writeFile(join(dir, 'a.yaml'), yamlDefinition('alpha'));
    await writeFile(join(dir, 'c.json'), jsonDefinition('charlie'));
    await writeFile(join(dir, 'notes.txt'), 'not a definition');
    await mkdir(join(dir, 'nested.yaml'));

    const loaded = await loadDefinitionsFromDirectory(dir);
    expect(loaded.map((l) => [l.file, l.definition.id])).toEqual([
      [join(dir, 'a.yaml'), 'alpha'],
      [join(dir, 'b.yml'), 'bravo'],
      [join(dir, 'c.json'), 'charlie'],
    ]);
  });

  it('names the file of an invalid definition', async () => {
    await writeFile(join(dir, 'good.yaml'), yamlDefinition('good'));
    await writeFile(join(dir, 'broken.yaml'), 'id: broken\ntasks:\n  - { id: a, type: basic, tool: echo, on_success: { next: nope } }\n');

    const error = await loadDefinitionsFromDirectory(dir).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DefinitionError);
    expect((error as DefinitionError).file).toBe(join(dir, 'broken.yaml'));
    expect((error as DefinitionError).message).toBe(
      `invalid definition in ${join(dir, 'broken.yaml')}: tasks[0].on_success.next: unknown task "nope"`,
    );
  });

  it('refuses two files with the same definition id', async () => {
    await writeFile(join(dir, 'one.yaml'), yamlDefinition('same'));
    await writeFile(join(dir, 'two.json'), jsonDefinition('same'));

    await expect(loadDefinitionsFromDirectory(dir)).rejects.toThrow(
      `invalid definition in ${join(dir, 'two.json')}: id: definition id "same" is also defined in ${join(dir, 'one.yaml')}`,
    );
  });

  it('returns nothing for a directory without definitions', async () => {
    await expect(loadDefinitionsFromDirectory(dir)).resolves.toEqual([]);
  });
});
