/**
 * What the Jest global setup hands to integration test files through the environment.
 */

/** Variable names shared by global setup and the harness. */
export const TestEnv = {
  /** gRPC address of the Temporal server the tests use (set it to bring your own server). */
  Address: 'CADENZA_TEST_TEMPORAL_ADDRESS',
  /** Namespace on that server; `default` when unset. */
  Namespace: 'CADENZA_TEST_TEMPORAL_NAMESPACE',
  /** Path of the workflow bundle built once per run. */
  WorkflowBundle: 'CADENZA_TEST_WORKFLOW_BUNDLE',
} as const;
export type TestEnv = (typeof TestEnv)[keyof typeof TestEnv];

/** Reads a variable the global setup must have set. */
export function requireTestEnv(name: TestEnv): string {
  const value = process.env[name];
  if (value === undefined || value === '') {
    throw new Error(`${name} is not set: run integration tests through Jest's integration project (its global setup starts Temporal)`);
  }
  return value;
}

export function testNamespace(): string {
  return process.env[TestEnv.Namespace] || 'default';
}
