/**
 * `next-cloud-tasks/config`: `withCloudTasks(nextConfig)` adds what the adapter needs to a Next.js
 * config, so the app's next.config gains one call and nothing else:
 *
 * - the rewrites of App Engine's vanity task URLs (`/_ah/queue/deferred_<suffix>`) to the task route;
 * - `@google-cloud/tasks` in `serverExternalPackages` (it loads its protos at run time, which
 *   Turbopack cannot bundle), and `@google-cloud/storage` (imported lazily for big payloads: left
 *   to Node, it costs the bundles nothing);
 * - the files a standalone build must trace: the client's JSON protos and the app's queue.yaml,
 *   both read at run time, so `output: 'standalone'` works with no other edit;
 * - `@workflow/world-postgres` aliased to a stand-in when the app has not installed it, so a
 *   workflow app that keeps its runs locally builds without it (workflow-storage-alias.ts).
 *
 * It runs inside `next build` / `next dev` (Node.js), never in the app's bundles.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { NextConfig } from 'next';
import { adapterDir, appRelativePath, BUILT_QUEUE_YAML_VARIABLE, findPackageDir, TASK_CLIENT_PACKAGE } from '../runtime/build-files.js';
import { ENV, envText } from '../contract/env.js';
import { OPTION_DEFAULTS } from '../runtime/options.js';
import { aliasMissingWorldPostgres } from './workflow-storage-alias.js';

export interface CloudTasksConfigOptions {
  /**
   * queue.yaml, relative to the app's folder; traced into a standalone build.
   * @default process.env.DEFERRED_QUEUE_YAML, else 'queue.yaml'
   */
  queueYaml?: string;
  /**
   * The app's folder (where next.config is).
   * @default process.cwd(), which is where `next build` and `next dev` run
   */
  dir?: string;
}

/** The Cloud Storage client that offloads payloads too big for a task (DEFERRED_PAYLOAD_BUCKET). */
const STORAGE_CLIENT_PACKAGE = '@google-cloud/storage';

type Rewrite = { source: string; destination: string };
type Rewrites = NonNullable<NextConfig['rewrites']>;
type RewritesResult = Awaited<ReturnType<Rewrites>>;
export type ConfigFunction = (phase: string, context: { defaultConfig: NextConfig }) => NextConfig | Promise<NextConfig>;

/** App Engine's vanity task URLs: /_ah/queue/deferred_<suffix>[/more] reach the same handler. */
const DEFERRED_REWRITES: readonly Rewrite[] = [
  { source: '/_ah/queue/deferred_:suffix', destination: '/_ah/queue/deferred/:suffix' },
  { source: '/_ah/queue/deferred_:suffix/:rest*', destination: '/_ah/queue/deferred/:suffix/:rest*' },
];

/** Ours first, then the app's, whatever form the app's rewrites take (an array, or the three phases). */
function mergeRewrites(theirs: RewritesResult | undefined): RewritesResult {
  if (!theirs) return [...DEFERRED_REWRITES];
  if (Array.isArray(theirs)) return [...DEFERRED_REWRITES, ...theirs];
  return { ...theirs, afterFiles: [...DEFERRED_REWRITES, ...(theirs.afterFiles ?? [])] };
}

/** A path for outputFileTracingIncludes. */
const traceGlob = appRelativePath;

function applyCloudTasks(config: NextConfig, options: CloudTasksConfigOptions): NextConfig {
  const appDir = resolve(options.dir ?? process.cwd());
  const queueYaml = options.queueYaml ?? envText(process.env, ENV.queueYaml) ?? OPTION_DEFAULTS.queueYaml;
  const queueYamlFile = resolve(appDir, queueYaml);
  // As Node finds it from this package: hoisted beside the app's packages (npm, yarn), or linked
  // beside this one (pnpm's node_modules/.pnpm/next-cloud-tasks@.../node_modules); traced by that path.
  const clientDir = findPackageDir(TASK_CLIENT_PACKAGE, adapterDir());
  const traced = [
    ...(clientDir ? [traceGlob(appDir, join(clientDir, 'build')) + '/**/*.json', traceGlob(appDir, join(clientDir, 'package.json'))] : []),
    ...(existsSync(queueYamlFile) ? [traceGlob(appDir, queueYamlFile)] : []),
  ];
  const includes = config.outputFileTracingIncludes ?? {};
  const userRewrites = config.rewrites;
  return {
    ...aliasMissingWorldPostgres(config, { appDir }),
    serverExternalPackages: [...new Set([...(config.serverExternalPackages ?? []), TASK_CLIENT_PACKAGE, STORAGE_CLIENT_PACKAGE])],
    outputFileTracingIncludes: { ...includes, '/**': [...new Set([...(includes['/**'] ?? []), ...traced])] },
    // Built into the server: the start-up check then fails, naming the fix, when a production
    // server cannot find the queue.yaml it was built with (a standalone copy that lost it).
    env: { ...config.env, [BUILT_QUEUE_YAML_VARIABLE]: existsSync(queueYamlFile) ? traceGlob(appDir, queueYamlFile) : '' },
    async rewrites() {
      return mergeRewrites(await userRewrites?.call(config));
    },
  };
}

/**
 * Wraps the app's Next.js config with what the adapter needs. Works with next.config.js, .mjs and
 * .ts, and with a config object or a config function.
 *
 * @example
 * // next.config.ts
 * import { withCloudTasks } from 'next-cloud-tasks/config';
 * export default withCloudTasks({ reactStrictMode: true });
 */
export function withCloudTasks(config?: NextConfig, options?: CloudTasksConfigOptions): NextConfig;
export function withCloudTasks(config: ConfigFunction, options?: CloudTasksConfigOptions): ConfigFunction;
export function withCloudTasks(
  config: NextConfig | ConfigFunction = {},
  options: CloudTasksConfigOptions = {},
): NextConfig | ConfigFunction {
  if (typeof config === 'function') return async (phase, context) => applyCloudTasks(await config(phase, context), options);
  return applyCloudTasks(config, options);
}
