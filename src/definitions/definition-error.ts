/**
 * The error every definition check reports: a list of issues, each naming the path it is about
 * (`tasks[2].on_success.next: unknown task "chrge"`).
 */

/** One problem in a definition. `path` is `''` when it concerns the whole document (e.g. YAML syntax). */
export interface DefinitionIssue {
  path: string;
  message: string;
}

/** Formats an issue as `path: message` (or just the message for the whole document). */
export function formatIssue(issue: DefinitionIssue): string {
  return issue.path === '' ? issue.message : `${issue.path}: ${issue.message}`;
}

/** A definition that cannot be used. `issues` lists every problem found (never empty). */
export class DefinitionError extends Error {
  override readonly name = 'DefinitionError';

  constructor(
    readonly issues: readonly DefinitionIssue[],
    /** The file the definition came from, when it came from one. */
    readonly file?: string,
  ) {
    const summary = issues.map(formatIssue).join('; ');
    super(file === undefined ? `invalid definition: ${summary}` : `invalid definition in ${file}: ${summary}`);
  }
}
