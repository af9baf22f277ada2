// ESM-only packages that jest (CommonJS mode) must transform; found one error at a time
// (see shared/PLATFORM-NOTES.md, "jest and msw").
const esmPackages = ['msw', '@mswjs', '@msw', '@open-draft', 'rettime', 'until-async', 'cookie', 'superjson', 'copy-anything', 'is-what'];

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/e2e/'],
  transform: { '^.+\\.(t|j|mj)sx?$': ['@swc/jest'] },
  transformIgnorePatterns: [`/node_modules/(?!(${esmPackages.join('|')})/)`],
  moduleNameMapper: { '^@/(.*)$': '<rootDir>/$1' },
  maxWorkers: 2,
  globalSetup: '<rootDir>/test/helpers/global-setup.js',
};
