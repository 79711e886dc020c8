/**
 * Finding executables without a shell (`which` may not exist on a minimal image).
 */
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { delimiter, join } from 'node:path';

/** Why a path is not a usable executable, or `null` when it is one. */
export async function executableProblem(path: string): Promise<string | null> {
  try {
    const info = await stat(path);
    if (!info.isFile()) return 'is not a file';
  } catch {
    return 'does not exist';
  }
  try {
    await access(path, constants.X_OK);
    return null;
  } catch {
    return 'is not executable';
  }
}

/** The first executable named `name` in the `PATH` list, or `undefined`. */
export async function findOnPath(name: string, pathList: string | undefined): Promise<string | undefined> {
  for (const dir of (pathList ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    if ((await executableProblem(candidate)) === null) return candidate;
  }
  return undefined;
}
