/**
 * `next-cloud-tasks/jest`: next/jest's transformIgnorePatterns, rewritten so jest transforms this
 * package and superjson's ESM tree, and still none of the rest of node_modules. The patterns are
 * the ones next/jest really produces (it is run here on a folder without a next.config).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withCloudTasksJest } from 'next-cloud-tasks/jest';
import { allowPackagesInIgnorePatterns, ESM_PACKAGES } from '@/lib/src/testing/jest-config';

jest.setTimeout(30_000);

const ignored = (patterns: string[], path: string) => patterns.some((pattern) => new RegExp(pattern).test(path));

const NPM = {
  ours: '/app/node_modules/next-cloud-tasks/dist/testing/index.js',
  superjson: '/app/node_modules/superjson/dist/index.js',
  copyAnything: '/app/node_modules/copy-anything/dist/index.js',
  jose: '/app/node_modules/jose/dist/webapi/index.js',
  google: '/app/node_modules/google-auth-library/build/src/index.js',
  nextDist: '/app/node_modules/next/dist/server/web/exports/index.js',
  cssModule: '/app/app/page.module.css',
};
const PNPM = {
  ours: '/app/node_modules/.pnpm/next-cloud-tasks@0.1.0_next@16.4.6/node_modules/next-cloud-tasks/dist/index.js',
  superjson: '/app/node_modules/.pnpm/superjson@2.2.7/node_modules/superjson/dist/index.js',
  jose: '/app/node_modules/.pnpm/jose@6.2.19/node_modules/jose/dist/webapi/index.js',
  google: '/app/node_modules/.pnpm/google-auth-library@11.3.4/node_modules/google-auth-library/build/src/index.js',
};

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'jest-config-'));
  mkdirSync(join(dir, 'app'));
  writeFileSync(join(dir, 'package.json'), '{"name":"app","private":true}');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("next/jest's own patterns ignore our ESM packages (why the helper exists)", async () => {
  const nextJest = (await import('next/jest.js')).default;
  const { transformIgnorePatterns } = await nextJest({ dir })({ testEnvironment: 'node' })();
  expect(ignored(transformIgnorePatterns!, NPM.ours)).toBe(true);
  expect(ignored(transformIgnorePatterns!, NPM.superjson)).toBe(true);
});

test('withCloudTasksJest over next/jest: ours and superjson are transformed, the rest of node_modules is not', async () => {
  const nextJest = (await import('next/jest.js')).default;
  const config = await withCloudTasksJest(nextJest({ dir })({ testEnvironment: 'node' }))();
  expect(config.testEnvironment).toBe('node');
  const patterns = config.transformIgnorePatterns;
  expect(
    [NPM.ours, NPM.superjson, NPM.copyAnything, NPM.jose, PNPM.ours, PNPM.superjson, PNPM.jose].filter((path) => ignored(patterns, path)),
  ).toEqual([]);
  expect([NPM.google, NPM.nextDist, NPM.cssModule, PNPM.google].filter((path) => !ignored(patterns, path))).toEqual([]);
});

test("a plain config (no next/jest) gets jest's defaults with the packages let through; extra packages join the list", async () => {
  const config = await withCloudTasksJest({ testEnvironment: 'node' }, ['my-esm-lib'])();
  expect(config.transformIgnorePatterns).toEqual([
    `/node_modules/(?!(${[...ESM_PACKAGES, 'my-esm-lib'].join('|')})/)`,
    '\\.pnp\\.[^\\/]+$',
  ]);
  expect(ignored(config.transformIgnorePatterns, '/app/node_modules/my-esm-lib/index.js')).toBe(false);
  expect(ignored(config.transformIgnorePatterns, NPM.google)).toBe(true);
});

test('patterns that do not name node_modules, or already let a scoped package through, keep working', () => {
  const patterns = allowPackagesInIgnorePatterns(
    ['^.+\\.module\\.(css|sass|scss)$', '/node_modules/(?!(@scope/pkg)/)'],
    ['next-cloud-tasks'],
  );
  expect(patterns).toEqual(['^.+\\.module\\.(css|sass|scss)$', '/node_modules/(?!(next-cloud-tasks|@scope/pkg)/)']);
  expect(ignored(patterns, '/app/node_modules/@scope/pkg/index.js')).toBe(false);
});
