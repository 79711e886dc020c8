/**
 * The client and worker most integration test files share: connected before the file's first test,
 * shut down after its last, through Jest's `beforeAll`/`afterAll`.
 */
import { connectTestClient, type TestClient } from './connect-test-client';
import { startTestWorker, type TestWorker, type TestWorkerOptions } from './start-test-worker';

/** What `useClientAndWorker` provides once the file's `beforeAll` ran. */
export interface ClientAndWorker {
  /** The Temporal client of the test file. */
  readonly t: TestClient;
  /** The worker of the test file, on its own task queue. */
  readonly w: TestWorker;
}

/** Registers the file's `beforeAll`/`afterAll` for a client and a worker with `options`. */
export function useClientAndWorker(options: TestWorkerOptions = {}): ClientAndWorker {
  let client: TestClient | undefined;
  let worker: TestWorker | undefined;
  beforeAll(async () => {
    client = await connectTestClient();
    worker = await startTestWorker(options);
  });
  afterAll(async () => {
    await worker?.shutdown();
    await client?.close();
  });
  const ready = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what} is used before the test file's beforeAll ran`);
    return value;
  };
  return {
    get t() {
      return ready(client, 'the test client');
    },
    get w() {
      return ready(worker, 'the test worker');
    },
  };
}
