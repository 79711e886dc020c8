/**
 * A fresh Temporal cluster has no namespace: `npm run cluster` registers `TEMPORAL_NAMESPACE` (the dev
 * server and Temporal's auto-setup image do the same) and then Cadenza's search attributes.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { connectTemporal } from '../temporal/client-connection';
import { msToTs } from '@temporalio/common/lib/time';
import { registerSearchAttributes } from '../temporal/register-search-attributes';

/** gRPC status ALREADY_EXISTS, as the frontend answers a second registration. */
const GRPC_ALREADY_EXISTS = 6;

/** How long closed executions are kept. */
const RETENTION_MS = 3 * 24 * 3600 * 1000;

/** What `setUpNamespace` did. */
export interface NamespaceSetup {
  namespaceCreated: boolean;
  searchAttributesAdded: string[];
}

/** Registers the namespace when missing, waits until it is served, adds the missing search attributes. */
export async function setUpNamespace(address: string, namespace: string): Promise<NamespaceSetup> {
  const connection = await connectTemporal({ address });
  try {
    let namespaceCreated = false;
    try {
      await connection.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs(RETENTION_MS) });
      namespaceCreated = true;
    } catch (error) {
      if ((error as { code?: number }).code !== GRPC_ALREADY_EXISTS) throw error;
    }
    // A new namespace reaches every frontend's namespace cache within seconds.
    for (let attempt = 0; ; attempt += 1) {
      try {
        await connection.workflowService.describeNamespace({ namespace });
        break;
      } catch (error) {
        if (attempt >= 60) throw error;
        await sleep(500);
      }
    }
    const searchAttributesAdded = await registerSearchAttributes(connection, namespace);
    return { namespaceCreated, searchAttributesAdded };
  } finally {
    await connection.close();
  }
}
