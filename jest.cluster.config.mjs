// @ts-check
/**
 * The cluster suites, not part of `npm test`: `npm run test:cluster` (scenarios through both API nodes
 * of `npm run cluster`) and `npm run test:faults` (kill -9 under load; starts its own cluster).
 */
import base from './jest.config.js';
const unit = base.projects[0];

/** @type {import('jest').Config} */
export default {
  testTimeout: 300_000,
  projects: [
    {
      ...unit,
      displayName: 'cluster',
      testMatch: ['<rootDir>/test/cluster/**/*.cluster.test.ts'],
      globalSetup: '<rootDir>/test/cluster/global-setup.ts',
      globalTeardown: '<rootDir>/test/cluster/global-teardown.ts',
    },
    {
      ...unit,
      displayName: 'faults',
      testMatch: ['<rootDir>/test/cluster/**/*.faults.test.ts'],
    },
  ],
};
