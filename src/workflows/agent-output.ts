/**
 * The agent's final answer (docs/design.md §8): without `output_schema` the output is `{text}`; with
 * one, the answer must be JSON (a fenced block is accepted) that the schema accepts. One repair round
 * asks the model again with the problems; a second miss fails the task with the raw answer kept.
 */
import { checkAgainstSchema, type SchemaProblem } from './schema-check';

/** What a final answer amounts to. */
export type AnswerCheck = { ok: true; output: unknown } | { ok: false; problems: string[] };

/** Checks `raw` against `schema` (no schema: always `{text}`). */
export function checkAnswer(raw: string, schema: Record<string, unknown> | undefined): AnswerCheck {
  if (schema === undefined) return { ok: true, output: { text: raw } };
  let value: unknown;
  try {
    value = JSON.parse(unfence(raw));
  } catch (err) {
    return { ok: false, problems: [`the answer is not JSON (${err instanceof Error ? err.message : String(err)})`] };
  }
  const problems = checkAgainstSchema(schema, value);
  if (problems.length > 0) return { ok: false, problems: problems.map(describe) };
  return { ok: true, output: value };
}

/** The user message of the one repair round. */
export function repairMessage(problems: readonly string[], schema: Record<string, unknown>): string {
  return [
    'Your answer does not match the required output schema:',
    ...problems.map((p) => `- ${p}`),
    `Answer again with only a JSON value that matches this JSON Schema: ${JSON.stringify(schema)}`,
  ].join('\n');
}

function unfence(raw: string): string {
  const fenced = /^\s*```(?:json)?\s*\n?([\s\S]*?)\n?```\s*$/i.exec(raw);
  return fenced?.[1] ?? raw;
}

function describe(p: SchemaProblem): string {
  return `${p.path || '(root)'} ${p.message}`;
}
