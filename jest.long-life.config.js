// @ts-check
/** `npm run test:long-life`: the long-life acceptance runs (docs/design.md §11), minutes each, not in `npm test`. */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS Jest config reads the main one
const base = require('./jest.config.js');

const integration = base.projects.find((p) => p.displayName === 'integration');

/** @type {import('jest').Config} */
module.exports = {
  testTimeout: 1_800_000,
  projects: [{ ...integration, displayName: 'long-life', testMatch: ['<rootDir>/test/long-life/**/*.test.ts'] }],
};
