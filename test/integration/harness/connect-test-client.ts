/**
 * A Temporal client on the test server.
 */
import { Client, type Connection } from '@temporalio/client';
import { connectTemporal } from '../../../src/temporal/client-connection';
import { requireTestEnv, TestEnv, testNamespace } from './test-environment';

export interface TestClient {
  client: Client;
  connection: Connection;
  namespace: string;
  /** gRPC address, e.g. for the `temporal` CLI or a worker in a child process. */
  address: string;
  close(): Promise<void>;
}

export async function connectTestClient(): Promise<TestClient> {
  const address = requireTestEnv(TestEnv.Address);
  const namespace = testNamespace();
  const connection = await connectTemporal({ address });
  const client = new Client({ connection, namespace });
  return { client, connection, namespace, address, close: () => connection.close() };
}
