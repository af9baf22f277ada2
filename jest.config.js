// ESM-only packages that jest (CommonJS mode) must transform; found one error at a time
// (see shared/PLATFORM-NOTES.md, "jest and msw").
const esmPackages = [
  'msw',
  '@mswjs',
  '@msw',
  '@open-draft',
  'rettime',
  'until-async',
  'cookie',
  'superjson',
  'copy-anything',
  'is-what',
  'jose',
];
// @google-cloud/storage's HTTP layer (teeny-request) loads node-fetch 3 (ESM) with import(): transformed, jest can load it.
// init parses users' config files with magicast (ESM only).
const initParser = ['magicast'];
const storageFetch = ['teeny-request', 'node-fetch', 'data-uri-to-buffer', 'fetch-blob', 'formdata-polyfill', 'node-domexception'];

// The package's entries resolve to its sources (lib/src), so unit tests need no build; the Next
// servers the integration tests start use the built package (lib/dist), as a user's app does.
const { exports: entries } = require('./lib/package.json');
const packageEntries = Object.fromEntries(
  Object.entries(entries)
    .filter(([, target]) => typeof target === 'object')
    .map(([entry, target]) => [
      `^next-cloud-tasks${entry.slice(1).replace(/\//g, '\\/')}$`,
      `<rootDir>/lib/src/${target.default.replace(/^\.\/dist\//, '').replace(/\.js$/, '.ts')}`,
    ]),
);

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // test/fixtures/fresh-app holds a user's app files (its own jest test): the fresh-app test copies them.
  // The Workflow SDK's own suite runs alone, after the rest (`npm run test:world`, npm test's last
  // step): its tests' time limits are the SDK's, and they include starting a server.
  testPathIgnorePatterns: [
    '/node_modules/',
    '<rootDir>/test/e2e/',
    '<rootDir>/test/fixtures/',
    '<rootDir>/test/workflow/world-testing.test.ts',
  ],
  transform: { '^.+\\.(t|j|mj)sx?$': ['@swc/jest'] },
  transformIgnorePatterns: [`/node_modules/(?!(${[...esmPackages, ...storageFetch, ...initParser].join('|')})/)`],
  moduleNameMapper: {
    ...packageEntries,
    '^@/(.*)$': '<rootDir>/$1',
    // The package's sources import each other as './x.js' (Node ESM); jest resolves the .ts.
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  maxWorkers: 2,
  globalSetup: '<rootDir>/test/helpers/global-setup.js',
};
