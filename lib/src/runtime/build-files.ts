/**
 * The files a server reads at run time that a build must carry: the Cloud Tasks client's JSON
 * protos and the app's queue.yaml. `withCloudTasks()` (build time) traces them into standalone
 * builds; the start-up check (run time) fails, naming the fix, when a production server cannot
 * find them, instead of passing and failing on the first defer().
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { builtQueueYaml, type ConfigProblem } from './config.js';

/** The Cloud Tasks client: external to Next's bundles, its JSON protos traced into standalone builds. */
export const TASK_CLIENT_PACKAGE = '@google-cloud/tasks';

/**
 * Set by withCloudTasks through next.config's `env`, so Next inlines it into the server at build
 * time: the queue.yaml the app was built with (relative to the app), or '' when it had none.
 */
export const BUILT_QUEUE_YAML_VARIABLE = 'NEXT_CLOUD_TASKS_BUILT_QUEUE_YAML';

/**
 * The folder of package `name` as Node finds it from `fromDir` (node_modules there or in a parent).
 * Found by walking up rather than require.resolve: a standalone build traces only the entry the
 * app loads (the ESM one), and resolving would ask for the CommonJS one.
 */
export function findPackageDir(name: string, fromDir: string): string | undefined {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

/** The client's protos, where the client itself loads them (build/protos/protos.json in its package). */
function taskClientProtos(appDir: string): string | undefined {
  const dir = findPackageDir(TASK_CLIENT_PACKAGE, appDir);
  const protos = dir && join(dir, 'build/protos/protos.json');
  return protos && existsSync(protos) ? protos : undefined;
}

const FIX = 'wrap next.config with withCloudTasks() from next-cloud-tasks/config, which traces them, and build again';

/** What a production server built from this app cannot find. `queueYaml` is the path it will read. */
export function listBuildProblems(queueYaml: string, appDir = process.cwd()): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  if (!taskClientProtos(appDir)) {
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
