/**
 * withCloudTasks' decision about `@workflow/world-postgres`: installed (beside the app, or beside
 * the package as pnpm links a peer) → the config is left as it is; missing → the package is
 * aliased to the stand-in for Turbopack and for webpack, after the app's own aliases.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NextConfig } from 'next';
import { withCloudTasks } from 'next-cloud-tasks/config';
import { aliasMissingWorldPostgres } from '@/lib/src/next/workflow-storage-alias';

type WebpackConfig = { resolve?: { alias?: unknown }; marked?: boolean };
type Webpack = (config: WebpackConfig, context: unknown) => WebpackConfig;

let root: string;
let appDir: string;
let packageDir: string;
const STAND_IN = './node_modules/next-cloud-tasks/dist/workflow/missing-postgres.js';

const install = (dir: string) => {
  mkdirSync(join(dir, 'node_modules/@workflow/world-postgres'), { recursive: true });
  writeFileSync(join(dir, 'node_modules/@workflow/world-postgres/package.json'), '{"name":"@workflow/world-postgres"}');
};

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'storage-alias-'));
  appDir = join(root, 'app');
  // Where the package's dist/next is in an npm app: node_modules/next-cloud-tasks/dist/next.
  packageDir = join(appDir, 'node_modules/next-cloud-tasks/dist/next');
  mkdirSync(packageDir, { recursive: true });
});

test('installed in the app: the config is returned untouched (no alias, the real package traced)', () => {
  install(appDir);
  const config: NextConfig = { reactStrictMode: true };
  expect(aliasMissingWorldPostgres(config, { appDir, packageDir })).toBe(config);
});

test('installed beside the package only (a pnpm peer link): no alias either', () => {
  const pnpmPackage = join(root, 'app/node_modules/.pnpm/next-cloud-tasks@0.1.0/node_modules');
  install(pnpmPackage);
  const linkedDir = join(pnpmPackage, 'next-cloud-tasks/dist/next');
  mkdirSync(linkedDir, { recursive: true });
  const config: NextConfig = {};
  expect(aliasMissingWorldPostgres(config, { appDir, packageDir: linkedDir })).toBe(config);
});

test('missing: aliased to the stand-in for Turbopack (relative to the app) and webpack (exact match)', () => {
  const config = aliasMissingWorldPostgres({ reactStrictMode: true }, { appDir, packageDir });
  expect(config.reactStrictMode).toBe(true);
  expect(config.turbopack).toEqual({ resolveAlias: { '@workflow/world-postgres': STAND_IN } });
  const webpackConfig = (config.webpack as Webpack)({ resolve: {} }, {});
  expect(webpackConfig.resolve!.alias).toEqual({ '@workflow/world-postgres$': join(appDir, STAND_IN) });
});

test("missing: merged with the app's own Turbopack settings and aliases, and its webpack function runs first", () => {
  const theirWebpack: Webpack = (config) => ({ ...config, marked: true, resolve: { alias: { lodash: 'lodash-es' } } });
  const config = aliasMissingWorldPostgres(
    {
      turbopack: { root, resolveAlias: { underscore: 'lodash' }, rules: { '*.svg': { loaders: ['@svgr/webpack'], as: '*.js' } } },
      webpack: theirWebpack,
    },
    { appDir, packageDir },
  );
  expect(config.turbopack).toEqual({
    root,
    resolveAlias: { '@workflow/world-postgres': STAND_IN, underscore: 'lodash' },
    rules: { '*.svg': { loaders: ['@svgr/webpack'], as: '*.js' } },
  });
  const webpackConfig = (config.webpack as Webpack)({}, {});
  expect(webpackConfig.marked).toBe(true);
  expect(webpackConfig.resolve!.alias).toEqual({ '@workflow/world-postgres$': join(appDir, STAND_IN), lodash: 'lodash-es' });
});

test('missing: an alias the app set for the package itself wins; webpack aliases in array form get one more entry', () => {
  const config = aliasMissingWorldPostgres(
    { turbopack: { resolveAlias: { '@workflow/world-postgres': './my-postgres.js' } } },
    { appDir, packageDir },
  );
  expect(config.turbopack!.resolveAlias).toEqual({ '@workflow/world-postgres': './my-postgres.js' });
  const webpackConfig = (config.webpack as Webpack)({ resolve: { alias: [{ name: 'a', alias: 'b' }] } }, {});
  expect(webpackConfig.resolve!.alias).toEqual([
    { name: 'a', alias: 'b' },
    { name: '@workflow/world-postgres', alias: join(appDir, STAND_IN), onlyModule: true },
  ]);
});

test('withCloudTasks in this repository, where the demo has the package installed, adds no alias', () => {
  const config = withCloudTasks({}, { dir: appDir });
  expect(config.turbopack).toBeUndefined();
  expect(config.webpack).toBeUndefined();
});
