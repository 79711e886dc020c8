/**
 * Callback URLs (docs/design.md §9): every waiting `wait` task and pending approval gets a URL
 * `POST /api/v1/callbacks/{token}` that resumes exactly that task execution without an API key.
 * The token's secret is 32 random bytes made by an activity (workflow code has no secure
 * randomness): an ordinary one, or a local one in executions recorded before
 * `CALLBACK_ACTIVITY_PATCH_ID` (src/workflows/callback-patch.ts says why). `CallbackRegistry` keeps
 * each one with its state, as plain JSON the machine owns:
 * `open` while its gate is, `used` once it resumed the task (the same answer again on every later use),
 * `expired` when the gate closed another way, `revoked` by an operator.
 */
import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { CadenzaActivities } from '../activities';
import type { ExecutionBehaviour } from './execution-behaviour';
import type { TaskRun } from './task-run';

/** How many used, expired or revoked callbacks a continued execution carries (the latest). */
export const MAX_CARRIED_SETTLED_CALLBACKS = 200;

/** What a callback resumes. */
export type CallbackKind = 'wait' | 'approval';

/** Where a callback stands. */
export type CallbackState = 'open' | 'used' | 'expired' | 'revoked';

/** The answer of a callback that resumed its task; every later use answers it again. */
export interface CallbackAnswer {
  execution_id: string;
  task_id: string;
  task_exec_id: string;
  kind: CallbackKind;
  accepted_at: string;
  /** wait: the data the task resumed with. */
  resume_data?: unknown;
  /** approval: the decision made. */
  decision?: { decision: 'approve' | 'reject'; comment: string | null; data: unknown };
}

/** One callback of one task execution. */
export interface CallbackEntry {
  task_id: string;
  task_exec_id: string;
  kind: CallbackKind;
  secret: string;
  url: string;
  state: CallbackState;
  answer: CallbackAnswer | null;
}

/** What the API learns of a token: `unknown` for a wrong secret or task execution. */
export interface CallbackLookup {
  state: CallbackState | 'unknown';
  kind: CallbackKind | null;
  answer: CallbackAnswer | null;
}

/** The callbacks of one execution, by `task_exec_id`. */
export class CallbackRegistry {
  private readonly entries: Record<string, CallbackEntry>;

  constructor(snapshot?: Record<string, CallbackEntry>) {
    this.entries = snapshot ?? {};
  }

  add(entry: CallbackEntry): void {
    this.entries[entry.task_exec_id] = entry;
  }

  /** The callback of `taskExecId` if `secret` is its secret. */
  find(taskExecId: string, secret: string): CallbackEntry | undefined {
    const entry = Object.hasOwn(this.entries, taskExecId) ? this.entries[taskExecId] : undefined;
    return entry !== undefined && entry.secret === secret ? entry : undefined;
  }

  lookup(taskExecId: string, secret: string): CallbackLookup {
    const entry = this.find(taskExecId, secret);
    if (entry === undefined) return { state: 'unknown', kind: null, answer: null };
    return { state: entry.state, kind: entry.kind, answer: entry.answer };
  }

  /** The callback resumed its task. */
  markUsed(taskExecId: string, answer: CallbackAnswer): void {
    const entry = this.entries[taskExecId];
    if (entry?.state === 'open') Object.assign(entry, { state: 'used', answer });
  }

  /** The gate of `taskExecId` closed: an open callback expires with it. */
  settle(taskExecId: string): void {
    const entry = this.entries[taskExecId];
    if (entry?.state === 'open') entry.state = 'expired';
  }

  /** An operator revokes the open callback of `taskExecId`; false when none is open. */
  revoke(taskExecId: string): boolean {
    const entry = Object.hasOwn(this.entries, taskExecId) ? this.entries[taskExecId] : undefined;
    if (entry?.state !== 'open') return false;
    entry.state = 'revoked';
    return true;
  }

  /** The URL of the open callback of `taskExecId`, or null. */
  urlOf(taskExecId: string): string | null {
    const entry = Object.hasOwn(this.entries, taskExecId) ? this.entries[taskExecId] : undefined;
    return entry?.state === 'open' ? entry.url : null;
  }

  /**
   * The entries to carry when the execution continues as new (docs/design.md §11): every open one,
   * and the latest `MAX_CARRIED_SETTLED_CALLBACKS` others, so a used URL still answers its first
   * answer after the boundary without the carried state growing with every wait the execution had.
   */
  carried(): Record<string, CallbackEntry> {
    const all = Object.values(this.entries);
    const settled = all.filter((e) => e.state !== 'open');
    const keep = new Set([...all.filter((e) => e.state === 'open'), ...settled.slice(-MAX_CARRIED_SETTLED_CALLBACKS)]);
    return Object.fromEntries(all.filter((e) => keep.has(e)).map((e) => [e.task_exec_id, e]));
  }
}

/** Waits with `wait`; once it settles, however it settles, the open callback of `taskExecId` expires. */
export async function settlingCallback<T>(callbacks: CallbackRegistry, taskExecId: string, wait: () => Promise<T>): Promise<T> {
  try {
    return await wait();
  } finally {
    callbacks.settle(taskExecId);
  }
}

/** The same bound for both kinds of token activity. */
const TOKEN_ACTIVITY_OPTIONS = { startToCloseTimeout: '10s' } as const;
const tokenActivity = proxyActivities<CadenzaActivities>(TOKEN_ACTIVITY_OPTIONS).issueCallbackToken;
const tokenLocalActivity = proxyLocalActivities<CadenzaActivities>(TOKEN_ACTIVITY_OPTIONS).issueCallbackToken;

/** Issues the callback of a waiting run (only where `ExecutionBehaviour.callbackUrls`); its URL. */
export async function issueCallback(
  host: { identity: { executionId: string }; callbacks: CallbackRegistry; behaviour: Pick<ExecutionBehaviour, 'callbackTokenActivity'> },
  run: TaskRun,
  kind: CallbackKind,
): Promise<string> {
  const issue = host.behaviour.callbackTokenActivity ? tokenActivity : tokenLocalActivity;
  const { secret, url } = await issue({ execution_id: host.identity.executionId, task_exec_id: run.taskExecId });
  host.callbacks.add({ task_id: run.taskId, task_exec_id: run.taskExecId, kind, secret, url, state: 'open', answer: null });
  return url;
}
