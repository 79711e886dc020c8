/**
 * The two KV buckets behind NATS publishing and commands: catch-up bookmarks (last published `seq`
 * per execution) and the gate index (`task_exec_id` of a waiting task or pending approval → its
 * execution), which lets `<p>.commands.task.<workflow_id>.resume.<task_exec_id>` find its execution.
 */
import type { KV } from '@nats-io/kv';
import type { Bookmark, BookmarkStore, GateIndex, GateRecord } from './event-publisher';

/** The bucket's handle once NATS is connected and set up; undefined meanwhile. */
export type KvHandle = () => KV | undefined;

function bucket(handle: KvHandle): KV {
  const kv = handle();
  if (kv === undefined) throw new Error('NATS is not connected');
  return kv;
}

export class KvBookmarkStore implements BookmarkStore {
  constructor(private readonly handle: KvHandle) {}

  async get(executionId: string): Promise<Bookmark | undefined> {
    const entry = await bucket(this.handle).get(executionId);
    if (entry === null || entry.operation !== 'PUT') return undefined;
    const value = entry.json<Partial<Bookmark>>();
    if (typeof value.seq !== 'number') return undefined;
    return {
      seq: value.seq,
      closed: value.closed === true,
      ...(value.final === true && { final: true }),
      ...(typeof value.history_length === 'number' && { history_length: value.history_length }),
      ...(typeof value.run_id === 'string' && { run_id: value.run_id }),
      at: typeof value.at === 'string' ? value.at : new Date(0).toISOString(),
    };
  }

  async put(executionId: string, bookmark: Bookmark): Promise<void> {
    await bucket(this.handle).put(executionId, JSON.stringify(bookmark));
  }
}

/** Reads the gate index (command consumers). */
export interface GateLookup {
  find(taskExecId: string): Promise<GateRecord | undefined>;
}

export class KvGateIndex implements GateIndex, GateLookup {
  constructor(private readonly handle: KvHandle) {}

  async put(taskExecId: string, record: GateRecord): Promise<void> {
    if (!isKvKey(taskExecId)) return;
    await bucket(this.handle).put(taskExecId, JSON.stringify(record));
  }

  async find(taskExecId: string): Promise<GateRecord | undefined> {
    if (!isKvKey(taskExecId)) return undefined;
    const entry = await bucket(this.handle).get(taskExecId);
    if (entry === null || entry.operation !== 'PUT') return undefined;
    const value = entry.json<Partial<GateRecord>>();
    if (typeof value.execution_id !== 'string' || typeof value.task_id !== 'string') return undefined;
    return { execution_id: value.execution_id, workflow_id: value.workflow_id ?? '', task_id: value.task_id, kind: value.kind === 'approval' ? 'approval' : 'wait' };
  }
}

/** KV keys: letters, digits, `-`, `_`, `/`, `=`, `.` (not leading or trailing). */
function isKvKey(key: string): boolean {
  return /^[-/=\w]+(\.[-/=\w]+)*$/.test(key);
}
