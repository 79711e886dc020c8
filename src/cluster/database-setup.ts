/**
 * Prepares PostgreSQL for the cluster with Temporal's own `temporal-sql-tool` (postgres12 plugin):
 * creates the persistence and visibility databases when missing, then brings each schema to the
 * version embedded in the tool (`setup-schema -v 0.0` then `update-schema`; both are no-ops on a
 * database already at that version, so every `npm run cluster` runs them).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { PostgresSettings } from './cluster-layout';

const run = promisify(execFile);

/** The sql tool failed; the message names the step and the database. */
export class DatabaseSetupError extends Error {
  override name = 'DatabaseSetupError';
}

/** What happened to one database. */
export interface DatabaseSetupResult {
  database: string;
  schema: string;
  created: boolean;
}

/** Creates (when missing) and migrates both databases; resolves with what it did. */
export async function setUpDatabases(sqlTool: string, postgres: PostgresSettings, onProgress: (line: string) => void = () => undefined): Promise<DatabaseSetupResult[]> {
  const targets = [
    { database: postgres.database, schema: 'postgresql/v12/temporal' },
    { database: postgres.visibilityDatabase, schema: 'postgresql/v12/visibility' },
  ];
  const results: DatabaseSetupResult[] = [];
  for (const { database, schema } of targets) {
    const created = await createDatabase(sqlTool, postgres, database);
    onProgress(`${created ? 'created' : 'found'} database ${database}`);
    await sqlToolStep(sqlTool, postgres, database, ['setup-schema', '-v', '0.0'], 'set up versioning of');
    await sqlToolStep(sqlTool, postgres, database, ['update-schema', '--schema-name', schema], 'update the schema of');
    onProgress(`schema ${schema} is current in ${database}`);
    results.push({ database, schema, created });
  }
  return results;
}

/** True when the database was created, false when it existed. */
async function createDatabase(sqlTool: string, postgres: PostgresSettings, database: string): Promise<boolean> {
  try {
    await run(sqlTool, [...connectionArgs(postgres, database), 'create-database'], { env: toolEnv(postgres), timeout: 60_000 });
    return true;
  } catch (error) {
    const text = outputOf(error);
    if (/already exists|42P04/.test(text)) return false;
    throw new DatabaseSetupError(`cannot create database ${database} on ${postgres.host}:${postgres.port}: ${lastLine(text)}`);
  }
}

async function sqlToolStep(sqlTool: string, postgres: PostgresSettings, database: string, args: string[], what: string): Promise<void> {
  try {
    await run(sqlTool, [...connectionArgs(postgres, database), ...args], { env: toolEnv(postgres), timeout: 300_000 });
  } catch (error) {
    throw new DatabaseSetupError(`cannot ${what} ${database}: ${lastLine(outputOf(error))}`);
  }
}

function connectionArgs(postgres: PostgresSettings, database: string): string[] {
  return ['--plugin', 'postgres12', '--endpoint', postgres.host, '--port', String(postgres.port), '--user', postgres.user, '--database', database];
}

/** The password goes through the tool's environment variable, never the command line (`ps` shows that). */
function toolEnv(postgres: PostgresSettings): NodeJS.ProcessEnv {
  return { ...process.env, SQL_PASSWORD: postgres.password };
}

function outputOf(error: unknown): string {
  const e = error as { stderr?: string; stdout?: string; message?: string };
  return [e.stderr, e.stdout, e.message].filter((s) => typeof s === 'string' && s !== '').join('\n');
}

function lastLine(text: string): string {
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  const errorLine = [...lines].reverse().find((l) => /error|fatal|refused|denied/i.test(l));
  return (errorLine ?? lines.at(-1) ?? 'failed').slice(0, 500);
}
