// @ts-check
/** Two projects: fast unit tests, and integration tests against a real Temporal dev server. */
/** Dependencies that ship ES modules only: swc turns them into CommonJS for Jest. */
const esmOnly = ['@marcbachmann/cel-js', '@noble/hashes', 'content-disposition', 'cookie', 'get-port', 'uuid', 'request-filtering-agent'];
const swc = ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } }];
const common = {
  testEnvironment: 'node',
  transform: { '^.+\\.(t|j|mj)s$': swc },
  transformIgnorePatterns: [`/node_modules/(?!(${esmOnly.join('|')})/)`],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
};

/** @type {import('jest').Config} */
module.exports = {
  // Integration tests wait on a real server; a project-level testTimeout is ignored by Jest.
  testTimeout: 60_000,
  // A handle a test leaves open keeps Jest from exiting, and CI then waits for its timeout. Workers
  // left running fail their file (test/integration/harness/leak-checking-environment.ts); in CI,
  // anything else left open must not hang the run either (locally Jest still warns about it).
  forceExit: process.env.CI === 'true',
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/test/unit/**/*.test.ts', '<rootDir>/src/**/*.test.ts'],
    },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
      globalSetup: '<rootDir>/test/integration/global-setup.ts',
      setupFiles: ['<rootDir>/test/integration/quiet-runtime.ts'],
      testEnvironment: '<rootDir>/test/integration/harness/leak-checking-environment.ts',
      setupFilesAfterEnv: ['<rootDir>/test/integration/harness/leak-guard.ts'],
      globalTeardown: '<rootDir>/test/integration/global-teardown.ts',
    },
  ],
};
