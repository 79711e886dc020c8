/**
 * The issues a problem lists (`errors[]`, `issues[]`) and the one-line summary of them in its
 * `detail`, both bounded so that a body with 100,000 unknown keys does not come back twice as large.
 */

/** A `{path, message}` pair naming what is wrong and where (`body.version`, `tasks[2].on_success.next`). */
export interface ProblemIssue {
  /** Where: `body.version`, `tasks[2].on_success.next`; empty for the whole input. */
  path: string;
  /** What is wrong there. */
  message: string;
}

/** Most issues a problem lists (the detail counts the others). */
export const MAX_LISTED_ISSUES = 100;
/** Longest path or message of a listed issue, in characters. */
const MAX_ISSUE_TEXT = 500;

/**
 * The issues as a problem lists them: at most `MAX_LISTED_ISSUES`, each path and message cut at
 * `MAX_ISSUE_TEXT` characters, so a body with 100,000 unknown keys does not come back twice as large.
 */
export function boundIssues(issues: ProblemIssue[]): ProblemIssue[] {
  return issues.slice(0, MAX_LISTED_ISSUES).map((i) => ({ path: cut(i.path), message: cut(i.message) }));
}

function cut(text: string): string {
  return text.length > MAX_ISSUE_TEXT ? `${text.slice(0, MAX_ISSUE_TEXT)}...` : text;
}

/** One line out of a list of issues, for `detail`. */
export function describeIssues(issues: ProblemIssue[]): string {
  const shown = boundIssues(issues.slice(0, 3)).map((i) => (i.path ? `${i.path}: ${i.message}` : i.message));
  const more = issues.length > 3 ? ` (and ${issues.length - 3} more)` : '';
  return shown.join('; ') + more || 'invalid request';
}
