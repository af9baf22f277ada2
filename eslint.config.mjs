// ESLint for the whole repository: eslint-config-next's rules (what a user's app runs) over the
// demo app and the package, typescript-eslint's recommended rules everywhere, and the package's
// dependency direction (docs/ARCHITECTURE.md) as import rules.
import nextVitals from 'eslint-config-next/core-web-vitals';
import nextTs from 'eslint-config-next/typescript';
import { defineConfig, globalIgnores } from 'eslint/config';

const src = (folder) => `./lib/src/${folder}`;
/** Which folders each folder may import (its own is always allowed); cli, the bin, may import them all. */
const MAY_IMPORT = {
  contract: [],
  queues: ['contract'],
  cron: ['contract', 'queues'],
  runtime: ['contract', 'queues'],
  enqueue: ['contract', 'queues', 'runtime'],
  // The Cloud Tasks dead-letter sink creates its tasks through the enqueue stage.
  handle: ['contract', 'queues', 'runtime', 'enqueue'],
  next: ['contract', 'queues', 'runtime', 'enqueue', 'handle'],
  testing: ['contract', 'queues', 'cron', 'runtime', 'enqueue', 'handle'],
  emulator: ['contract', 'queues', 'cron'],
  // The Workflow SDK World: Cloud Tasks' transport and the task route's token check; no one imports it.
  workflow: ['contract', 'queues', 'runtime', 'enqueue', 'handle'],
};
/** Every folder of lib/src, so a zone can say "everything but these". */
const FOLDERS = [...Object.keys(MAY_IMPORT), 'cli'];
const zones = Object.entries(MAY_IMPORT).flatMap(([folder, allowed]) =>
  FOLDERS.filter((other) => other !== folder && !allowed.includes(other)).map((other) => ({
    target: src(folder),
    from: src(other),
    message: `lib/src/${folder} must not import lib/src/${other}: dependencies point one way (docs/ARCHITECTURE.md)`,
  })),
);

export default defineConfig([
  ...nextVitals,
  ...nextTs,
  globalIgnores(['node_modules/**', '.next/**', '.next-*/**', 'lib/dist/**', 'next-env.d.ts', 'bench/results/**', 'coverage/**']),
  {
    settings: { 'import/resolver': { typescript: { project: ['./tsconfig.json'] } } },
    rules: {
      // Unused arguments named _x are deliberate (a signature to satisfy).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['lib/src/**/*.ts'],
    rules: {
      'import/no-restricted-paths': ['error', { zones }],
      'import/no-cycle': 'error',
    },
  },
  {
    // The World runs in any Node process the SDK loads it in (the CLI's too): never Next.
    files: ['lib/src/workflow/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['next', 'next/*'], message: 'lib/src/workflow must not import next' }] }],
    },
  },
  {
    // Tests, benches and CommonJS helpers run in Node, not in a Next page.
    files: ['test/**', 'bench/**', '**/*.cjs', '*.config.js', 'next.config.js', 'jest.config.js'],
    rules: {
      '@typescript-eslint/no-require-imports': 'off',
      '@next/next/no-html-link-for-pages': 'off',
      // Tests read loosely typed JSON from real servers and clients; the package and the app may not.
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
]);
