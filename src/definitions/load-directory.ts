/**
 * Loads the definitions shipped in a directory (`workflows/` at startup).
 */
import { readdir, readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { DefinitionError } from './definition-error';
import { parseDefinition, type DefinitionFormat } from './parse';
import type { Definition } from './schema';

/** A definition and the file it was read from. */
export interface LoadedDefinition {
  file: string;
  definition: Definition;
}

const FORMATS: Readonly<Record<string, DefinitionFormat>> = { '.yaml': 'yaml', '.yml': 'yaml', '.json': 'json' };

/**
 * Reads every `*.yaml`, `*.yml` and `*.json` file of `dir` (not recursive), in file name order.
 * Throws `DefinitionError` naming the file when one is invalid, or when two files define the same id.
 */
export async function loadDefinitionsFromDirectory(dir: string): Promise<LoadedDefinition[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const files = entries
    .filter((entry) => entry.isFile() && FORMATS[extname(entry.name).toLowerCase()] !== undefined)
    .map((entry) => entry.name)
    .sort();

  const loaded: LoadedDefinition[] = [];
  const fileById = new Map<string, string>();
  for (const name of files) {
    const file = join(dir, name);
    const text = await readFile(file, 'utf8');
    let definition: Definition;
    try {
      definition = parseDefinition(text, FORMATS[extname(name).toLowerCase()]);
    } catch (error) {
      if (error instanceof DefinitionError) throw new DefinitionError(error.issues, file);
      throw error;
    }
    const other = fileById.get(definition.id);
    if (other !== undefined) {
      throw new DefinitionError([{ path: 'id', message: `definition id "${definition.id}" is also defined in ${other}` }], file);
    }
    fileById.set(definition.id, file);
    loaded.push({ file, definition });
  }
  return loaded;
}
