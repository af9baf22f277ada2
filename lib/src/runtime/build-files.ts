/**
 * The files a server reads at run time that a build must carry: the Cloud Tasks client's JSON
 * protos and the app's queue.yaml. `withCloudTasks()` (build time) traces them into standalone
 * builds; the start-up check (run time) fails, naming the fix, when a production server cannot
 * find them, instead of passing and failing on the first defer().
 */
import { existsSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { builtQueueYaml, type ConfigProblem } from './config.js';

/** The Cloud Tasks client: external to Next's bundles, its JSON protos traced into standalone builds. */
export const TASK_CLIENT_PACKAGE = '@google-cloud/tasks';

/**
 * Set by withCloudTasks through next.config's `env`, so Next inlines it into the server at build
 * time: the queue.yaml the app was built with (relative to the app), or '' when it had none.
 */
export const BUILT_QUEUE_YAML_VARIABLE = 'NEXT_CLOUD_TASKS_BUILT_QUEUE_YAML';

/**
 * This package's own folder (its dist/runtime), where Node starts resolving its dependencies. Under
 * pnpm that is `node_modules/.pnpm/next-cloud-tasks@.../node_modules/next-cloud-tasks`, beside its
 * own (not hoisted) `@google-cloud/tasks`. In a Next server bundle, Turbopack computes
 * `import.meta.url` at run time from the server's root, so it holds in a standalone copy too.
 */
export const adapterDir = (): string => dirname(fileURLToPath(import.meta.url));

/**
 * The folder of package `name` as Node resolves a bare import of it from `fromDir`: the first
 * `node_modules/<name>` in `fromDir` or a parent (npm and yarn hoist it to the app's
 * node_modules; pnpm links it beside the package that depends on it). Found by that walk rather
 * than require.resolve: the client's exports map hides its package.json, and a standalone build
 * traces only the entry the app loads (the ESM one), so resolving would ask for the CommonJS one.
 */
export function findPackageDir(name: string, fromDir: string): string | undefined {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

/** A path as next.config takes it (outputFileTracingIncludes, turbopack.resolveAlias): relative to the app's folder, `./` first, with forward slashes. */
export function appRelativePath(appDir: string, path: string): string {
  const rel = relative(appDir, path).split(sep).join('/');
  return rel.startsWith('.') ? rel : `./${rel}`;
}

/**
 * The client's protos, where the client itself loads them (build/protos/protos.json in its
 * package), found from this package's folder as Node finds the client, or from the app's folder
 * (a server bundled by webpack keeps the build machine's paths in `import.meta.url`).
 */
function taskClientProtos(fromDirs: readonly string[]): string | undefined {
  for (const fromDir of fromDirs) {
    const dir = findPackageDir(TASK_CLIENT_PACKAGE, fromDir);
    const protos = dir && join(dir, 'build/protos/protos.json');
    if (protos && existsSync(protos)) return protos;
  }
  return undefined;
}

const FIX = 'wrap next.config with withCloudTasks() from next-cloud-tasks/config, which traces them, and build again';

export interface BuildFilesOptions {
  /** The server's folder. @default process.cwd() */
  appDir?: string;
  /** Where this package is installed. @default its own folder ({@link adapterDir}) */
  packageDir?: string;
}

/** What a production server built from this app cannot find. `queueYaml` is the path it will read. */
export function listBuildProblems(
  queueYaml: string,
  { appDir = process.cwd(), packageDir = adapterDir() }: BuildFilesOptions = {},
): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  if (!taskClientProtos([packageDir, appDir])) {
    problems.push({
      variable: TASK_CLIENT_PACKAGE,
      message: `the Cloud Tasks client's protos (${TASK_CLIENT_PACKAGE}/build/protos/protos.json) are missing from this server, so defer() would fail: a standalone build copies only traced files; ${FIX}`,
    });
  }
  const built = builtQueueYaml();
  if (built && !existsSync(queueYaml)) {
    problems.push({
      variable: 'queue.yaml',
      message: `this server was built with ${built} but cannot find it at ${queueYaml}: without it only the default queue would exist; ${FIX} (or set DEFERRED_QUEUE_YAML to its path)`,
    });
  }
  return problems;
}
