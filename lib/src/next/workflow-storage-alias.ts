/**
 * Lets an app that uses the workflow World build without `@workflow/world-postgres`.
 *
 * The World imports that package only when WORKFLOW_POSTGRES_URL is set, but instrumentation.ts
 * bundles the World, and a bundler resolves every import at build time: Turbopack fails `next
 * build` ("Module not found") on a package that is not installed. Locally the runs are kept in
 * files beside the emulator and need no database, so when the app has not installed it, the
 * package is aliased to a stand-in shipped here (workflow/missing-postgres.ts), which throws the
 * install command when loaded. When it is installed nothing changes: the import stays as it is,
 * and a standalone build traces the real package.
 */
import { join } from 'node:path';
import type { NextConfig } from 'next';
import { adapterDir, appRelativePath, findPackageDir } from '../runtime/build-files.js';

const WORLD_POSTGRES_PACKAGE = '@workflow/world-postgres';

type WebpackConfig = { resolve?: { alias?: Record<string, unknown> | { name: string; alias: string; onlyModule?: boolean }[] } };
type WebpackFunction = NonNullable<NextConfig['webpack']>;

export interface StorageAliasOptions {
  /** The app's folder: where the app's own dependencies are. */
  appDir: string;
  /** Where this package is installed, whose import of the package the bundler resolves. @default its own folder */
  packageDir?: string;
}

/** The stand-in's built file, beside this module's folder in dist. */
const standInFile = (packageDir: string) => join(packageDir, '..', 'workflow', 'missing-postgres.js');

/** webpack's alias of the package alone (`$`: not its subpaths), after the app's own. */
function withWebpackAlias(theirs: WebpackFunction | undefined, standIn: string): WebpackFunction {
  return (config: WebpackConfig, context) => {
    const result = (theirs ? theirs(config, context) : config) as WebpackConfig;
    result.resolve ??= {};
    const alias = result.resolve.alias;
    if (Array.isArray(alias)) alias.push({ name: WORLD_POSTGRES_PACKAGE, alias: standIn, onlyModule: true });
    else result.resolve.alias = { [`${WORLD_POSTGRES_PACKAGE}$`]: standIn, ...alias };
    return result;
  };
}

/**
 * The config unchanged when `@workflow/world-postgres` resolves, as Node would find it, from the
 * app or from this package (pnpm links an installed peer beside it); else with the package
 * aliased to the stand-in, for Turbopack (`turbopack.resolveAlias`, a path relative to the app)
 * and for `next build --webpack` (`resolve.alias`). An alias the app set itself wins.
 */
export function aliasMissingWorldPostgres(config: NextConfig, { appDir, packageDir = adapterDir() }: StorageAliasOptions): NextConfig {
  if ([appDir, packageDir].some((dir) => findPackageDir(WORLD_POSTGRES_PACKAGE, dir))) return config;
  const standIn = standInFile(packageDir);
  return {
    ...config,
    turbopack: {
      ...config.turbopack,
      resolveAlias: { [WORLD_POSTGRES_PACKAGE]: appRelativePath(appDir, standIn), ...config.turbopack?.resolveAlias },
    },
    webpack: withWebpackAlias(config.webpack ?? undefined, standIn),
  };
}
