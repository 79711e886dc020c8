/**
 * The `CadenzaAwaiting` search attribute of an execution lists who its open approvals wait for
 * (`role:<r>`, `user:<u>`, `anyone`). Temporal refuses a keyword list whose JSON encoding exceeds
 * 2048 bytes, and the refusal fails the workflow task, over and over: the execution hangs. So a
 * definition is refused when the entries all its approval tasks could open together do not fit.
 */
import type { DefinitionIssue } from './definition-error';
import type { Task } from './schema';

/** Temporal's default `limit.searchAttributesSizeOfValue`, in bytes. */
export const AWAITING_LIMIT_BYTES = 2048;

/** An approval (or any) task and where it is in the definition. */
export interface PlacedTask {
  task: Task;
  path: string;
}

/**
 * One issue, on the approval task whose approvers make the union of every approval's entries too
 * large, or none. The union is an upper bound: it is what the attribute holds when every approval is
 * open at once (parallel branches).
 */
export function awaitingSizeIssues(tasks: readonly PlacedTask[]): DefinitionIssue[] {
  const entries = new Set<string>();
  for (const { task, path } of tasks) {
    if (task.type !== 'approval') continue;
    const own = [...(task.approvers?.roles ?? []).map((r) => `role:${r}`), ...(task.approvers?.users ?? []).map((u) => `user:${u}`)];
    for (const entry of own.length > 0 ? own : ['anyone']) entries.add(entry);
    const bytes = Buffer.byteLength(JSON.stringify([...entries]), 'utf8');
    if (bytes > AWAITING_LIMIT_BYTES) {
      return [
        {
          path: `${path}.approvers`,
          message: `the approvers of all approval tasks together take ${bytes} bytes in the CadenzaAwaiting search attribute; Temporal allows ${AWAITING_LIMIT_BYTES}: name fewer users or roles (or shorter ones)`,
        },
      ];
    }
  }
  return [];
}
