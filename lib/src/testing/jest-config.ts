/**
 * `next-cloud-tasks/jest`: what a Next.js app's jest config needs to load this package. jest runs
 * tests as CommonJS, and next-cloud-tasks is ESM, as are jose, superjson and its dependencies: jest must
 * transform them, while next/jest leaves all of node_modules untransformed and lets a config only
 * append to its `transformIgnorePatterns`, never loosen them. `withCloudTasksJest` rewrites the
 * resolved patterns so that these packages are transformed and the rest of node_modules is not.
 *
 * @example
 * // jest.config.mjs
 * import nextJest from 'next/jest.js';
 * import { withCloudTasksJest } from 'next-cloud-tasks/jest';
 *
 * const createJestConfig = nextJest({ dir: './' });
 * export default withCloudTasksJest(createJestConfig({ testEnvironment: 'node' }));
 */

/** The ESM-only packages a test of next-cloud-tasks loads: this package, jose (the token check) and superjson's tree. */
export const ESM_PACKAGES: readonly string[] = ['next-cloud-tasks', 'jose', 'superjson', 'copy-anything', 'is-what'];

/** The part of a jest config this reads; the rest passes through untouched. */
export interface JestConfigLike {
  transformIgnorePatterns?: string[];
}

/** What jest ignores when a config says nothing: its own default. */
const JEST_DEFAULT_IGNORES = ['/node_modules/', '\\.pnp\\.[^\\/]+$'];

const escape = (name: string) => name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The patterns with `packages` let through: a plain `/node_modules/` becomes
 * `/node_modules/(?!(a|b)/)`, and a pattern that already lets some packages through (next/jest's
 * `(?!(geist|...)/)`, its pnpm form `(?!(geist|...)@)`) gets `packages` added to its list.
 * Patterns that do not name node_modules are kept as they are.
 */
export function allowPackagesInIgnorePatterns(patterns: readonly string[], packages: readonly string[] = ESM_PACKAGES): string[] {
  const list = packages.map(escape).join('|');
  const pnpmList = packages.map((name) => escape(name).replace(/\//g, '\\+')).join('|');
  return patterns.map((pattern) => {
    if (!pattern.includes('node_modules')) return pattern;
    if (pattern === '/node_modules/') return `/node_modules/(?!(${list})/)`;
    if (pattern.includes('\\.pnpm') && pattern.includes('(?!(')) return pattern.replace('(?!(', `(?!(${pnpmList}|`);
    if (pattern.includes('(?!(')) return pattern.replace('(?!(', `(?!(${list}|`);
    return pattern;
  });
}

/**
 * Wraps a jest config (an object, or the async function next/jest's `createJestConfig` returns) so
 * that next-cloud-tasks and its ESM dependencies are transformed. `packages` adds the app's own
 * ESM-only packages to the list.
 */
export function withCloudTasksJest<Config extends object>(
  config: Config | (() => Config | Promise<Config>),
  packages: readonly string[] = [],
): () => Promise<Config & Required<JestConfigLike>> {
  return async () => {
    const resolved = typeof config === 'function' ? await config() : config;
    const patterns = (resolved as JestConfigLike).transformIgnorePatterns ?? JEST_DEFAULT_IGNORES;
    return { ...resolved, transformIgnorePatterns: allowPackagesInIgnorePatterns(patterns, [...ESM_PACKAGES, ...packages]) };
  };
}
