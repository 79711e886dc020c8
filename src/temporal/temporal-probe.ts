/**
 * Short, bounded checks against a Temporal frontend: is anything answering, is the namespace there,
 * are our search attributes registered.
 */
import { Connection } from '@temporalio/client';

/** What a probe found; `problem` is set when the server is not (yet) usable. */
export interface ProbeResult {
  reachable: boolean;
  serverVersion?: string;
  problem?: string;
}

export interface ProbeOptions {
  namespace?: string;
  /** Search attributes that must already be registered in `namespace`. */
  searchAttributes?: ReadonlyArray<{ name: string }>;
  timeoutMs?: number;
}

/** Connects once and reports; never throws. */
export async function probeTemporal(address: string, options: ProbeOptions = {}): Promise<ProbeResult> {
  const timeoutMs = options.timeoutMs ?? 2_000;
  // Lazy, and always closed: a failed `Connection.connect` would leave its channel retrying.
  const connection = Connection.lazy({ address });
  let reachable = false;
  try {
    const service = connection.workflowService;
    const deadline = Date.now() + timeoutMs;
    const info = await connection.withDeadline(deadline, () => service.getSystemInfo({}));
    reachable = true;
    const serverVersion = info.serverVersion ?? undefined;
    const found: ProbeResult = { reachable: true, ...(serverVersion ? { serverVersion } : {}) };
    const namespace = options.namespace;
    if (namespace === undefined) return found;
    await connection.withDeadline(deadline, () => service.describeNamespace({ namespace }));
    const wanted = options.searchAttributes ?? [];
    if (wanted.length > 0) {
      const operator = connection.operatorService;
      const listed = await connection.withDeadline(deadline, () => operator.listSearchAttributes({ namespace }));
      const missing = wanted.filter(({ name }) => !(name in (listed.customAttributes ?? {})));
      if (missing.length > 0) return { ...found, problem: `search attributes not registered yet: ${missing.map((m) => m.name).join(', ')}` };
    }
    return found;
  } catch (error) {
    return { reachable, problem: error instanceof Error ? error.message : String(error) };
  } finally {
    await connection.close().catch(() => undefined);
  }
}
