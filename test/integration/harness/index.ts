/**
 * Helpers for integration test files: a client and workers on the server the global setup started.
 */
export { connectTestClient, type TestClient } from './connect-test-client';
export { startTestWorker, type TestWorker, type TestWorkerOptions } from './start-test-worker';
export { waitFor, type WaitForOptions } from './wait-for';
export { useClientAndWorker, type ClientAndWorker } from './use-client-and-worker';
export { WorkerProcesses, type WorkerProcessOptions } from './worker-process';
export { useTemporalCli, type TemporalCli } from './use-temporal-cli';
export { TestEnv } from './test-environment';
export { FakeModelServer, inOrder, reply, type FakeModelRequest, type FakeReply, type FakeScript } from './fake-model-server';
export { LOCAL_WORKFLOW_TASK_TIMEOUT_SECONDS, workflowTaskTimeoutSeconds } from './workflow-task-timeout';
