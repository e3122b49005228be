// Tests run from source (TypeScript through SWC) as native ESM on Node 24; `npm test` starts Jest with
// --experimental-vm-modules. Workspace packages resolve to their sources, never to a stale build.
/** @type {import('jest').Config} */
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript' },
      target: 'es2023',
      keepClassNames: true,
      experimental: { keepImportAttributes: true },
    },
    module: { type: 'es6' },
  },
];
const common = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': swc },
  moduleNameMapper: {
    '^@slipway/([a-z0-9-]+)$': '<rootDir>/packages/$1/src/index.ts',
    '^@slipway/([a-z0-9-]+)/([a-z0-9-]+)$': '<rootDir>/packages/$1/src/$2/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
};
export default {
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/packages/*/test/**/*.test.ts', '<rootDir>/test/unit/**/*.test.ts'],
    },
    {
      ...common,
      displayName: 'stand-ins',
      testMatch: ['<rootDir>/test/stand-ins/**/*.test.ts', '<rootDir>/test/harness/**/*.test.ts'],
    },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/test/e2e/**/*.test.ts'] },
    { ...common, displayName: 'contracts', testMatch: ['<rootDir>/test/contracts/**/*.test.ts'] },
  ],
};
