/**
 * Helpers for integration test files: a client and workers on the server the global setup started.
 */
export { connectTestClient, type TestClient } from './connect-test-client';
export { startTestWorker, type TestWorker, type TestWorkerOptions } from './start-test-worker';
export { waitFor, type WaitForOptions } from './wait-for';
export { TestEnv } from './test-environment';
