/**
 * The problem types a client may see (docs/api-errors.md), and a check that a problem document is
 * well formed: for the REST and NATS fuzz tests.
 */
import { TemporalLimit } from '../../../src/errors/limit-problems';
import { PROBLEM_TYPE_BASE } from '../../../src/errors/problems';
import { CommandErrorType } from '../../../src/workflows/commands';

/** Every documented slug: the catalogue plus the workflow's refusal types. */
export const KNOWN_PROBLEM_SLUGS: ReadonlySet<string> = new Set([
  'validation_error',
  'malformed_body',
  'body_too_deep',
  'bad_request',
  'unauthenticated',
  'forbidden',
  'route_not_found',
  'workflow_not_found',
  'execution_not_found',
  'task_not_found',
  'version_conflict',
  'execution_closed',
  'payload_too_large',
  'unsupported_media_type',
  'definition_invalid',
  'input_invalid',
  'idempotency_key_reused',
  'journal_segment_expired',
  'input_too_large',
  ...Object.values(TemporalLimit),
  ...Object.values(CommandErrorType),
]);

/**
 * Why `doc` is not a well-formed 4xx problem document with a known, stable type answering `status`;
 * undefined when it is one.
 */
export function problemDefect(doc: unknown, status: number): string | undefined {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return 'the body is not a JSON object';
  const { type, title, detail, status: docStatus } = doc as Record<string, unknown>;
  if (typeof type !== 'string' || !type.startsWith(PROBLEM_TYPE_BASE)) return `type ${JSON.stringify(type)} is not a Cadenza problem type`;
  const slug = type.slice(PROBLEM_TYPE_BASE.length);
  if (!KNOWN_PROBLEM_SLUGS.has(slug)) return `type ${type} is not in the catalogue`;
  if (docStatus !== status) return `status member ${JSON.stringify(docStatus)} differs from the answer's ${status}`;
  if (status < 400 || status >= 500) return `status ${status} is not a 4xx`;
  if (typeof title !== 'string' || typeof detail !== 'string' || detail === '') return 'title or detail missing';
  return undefined;
}

/** Counts of something per key, printed after a fuzz run. */
export class Tally {
  private readonly counts = new Map<string, number>();

  add(key: string): void {
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  get total(): number {
    return [...this.counts.values()].reduce((a, b) => a + b, 0);
  }

  toString(): string {
    return [...this.counts.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, n]) => `${key}: ${n}`)
      .join(', ');
  }
}
