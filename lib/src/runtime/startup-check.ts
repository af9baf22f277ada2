/**
 * The start-up check: every setting the adapter needs, checked once when the server starts
 * (instrumentation.ts) and by `next-cloud-tasks doctor`, so a bad deploy fails at once with one message
 * listing every problem, instead of on its first task.
 */
import { QueueYamlError, formatProblem } from '../queues/errors.js';
import { ENV, envText, isProduction, type Env, type EnvKey, type StartupCheckMode } from '../contract/env.js';
import { resolveSettings, type ConfigProblem, type Settings } from './config.js';
import { listBuildProblems } from './build-files.js';
import type { CloudTasksOptions } from './options.js';
import { loadQueueCatalog, queueYamlPath } from './queue-catalog.js';
import { binCommand, detectPackageRunner } from './package-runner.js';

export type { StartupCheckMode };

export interface StartupSetting {
  variable: string;
  /** As set in the environment; undefined when unset. */
  value: string | undefined;
  /** What the adapter uses when it is unset, or what it is for. */
  note: string;
}

export interface StartupReport {
  settings: StartupSetting[];
  /** queue.yaml's path and queue names, when it loaded. */
  queues?: { file: string; names: string[]; implicit: boolean };
  problems: ConfigProblem[];
}

/** The variables doctor shows: every setting's (registerDeferred's options, in their order), then Cloud Run's. */
const SHOWN: readonly EnvKey[] = [
  'project',
  'location',
  'serviceUrl',
  'serviceAccount',
  'audience',
  'allowedEmails',
  'queueYaml',
  'emulatorHost',
  'payloadBucket',
  'storageEmulatorHost',
  'payloadOffloadBytes',
  'payloadMaxBytes',
  'startupCheck',
  'shutdownGraceMs',
  'enqueueAttempts',
  'prewarm',
  'cloudRunService',
];

/** Each variable as set, with what it is for and what is used when it is unset (the value of the variable it falls back to, if any). */
function describeSettings(env: Env): StartupSetting[] {
  const byName = new Map(Object.values(ENV).map((variable) => [variable.name, variable]));
  return SHOWN.map((key) => {
    const { name, about, unset } = ENV[key];
    const fallback = byName.get(unset);
    const fallbackValue = fallback ? ` (${envText(env, fallback) ?? 'unset'})` : '';
    return { variable: name, value: envText(env, ENV[key]), note: `${about}; unset: ${unset}${fallbackValue}` };
  });
}

function checkQueues(settings: Settings, variable: string, problems: ConfigProblem[]): StartupReport['queues'] {
  const path = queueYamlPath(settings);
  try {
    const catalog = loadQueueCatalog(settings);
    return { file: path, names: [...catalog.names], implicit: catalog.implicit ?? false };
  } catch (error) {
    const detail =
      error instanceof QueueYamlError
        ? error.problems
            .filter((p) => p.severity === 'error')
            .map(formatProblem)
            .join('; ')
        : String(error);
    problems.push({ variable, message: `queue.yaml at ${path} cannot be used: ${detail}` });
    return undefined;
  }
}

/**
 * Reads the options, the environment and queue.yaml as the adapter will, and lists every
 * problem. Never throws.
 */
export function inspectStartup(env: Env = process.env, options: CloudTasksOptions = {}): StartupReport {
  const settings = resolveSettings(options, env);
  const problems = [...settings.problems];
  // A production server must carry what it reads at run time; `next dev` reads the app's folder.
  if (isProduction(env)) problems.push(...listBuildProblems(queueYamlPath(settings)));
  const queueYamlLabel = options.queueYaml !== undefined ? 'options.queueYaml' : ENV.queueYaml.name;
  const queues = checkQueues(settings, settings.queueYamlGiven ? queueYamlLabel : 'queue.yaml', problems);
  return { settings: describeSettings(env), queues, problems };
}

/** The startupCheck option (DEFERRED_STARTUP_CHECK), or its default; a malformed value is reported by the check itself. */
export function startupCheckMode(env: Env = process.env, options: CloudTasksOptions = {}): StartupCheckMode {
  return resolveSettings(options, env).startupCheck;
}

/**
 * The one message a failed start prints: off Cloud Run and away from the emulator, first how to
 * run the app locally (the emulator sets every variable), then every problem, one per line, and where the variables are
 * documented. Commands name the app's package runner (`npx`, `pnpm exec`, `yarn`).
 */
export function formatStartupProblems(problems: readonly ConfigProblem[], env: Env = process.env): string {
  const runner = detectPackageRunner(process.cwd(), env);
  const lines = problems.map((p) => `  - ${p.message}`).join('\n');
  const count = `${problems.length} problem${problems.length === 1 ? '' : 's'}`;
  // Not on Cloud Run, and not already beside the emulator (dev, start): say how to run locally.
  const local =
    envText(env, ENV.cloudRunService) || envText(env, ENV.emulatorHost)
      ? ';'
      : '. To run it locally, start it with the local Cloud Tasks emulator, which sets every variable: ' +
        `\`${binCommand(runner, 'dev')}\` (next dev) or \`${binCommand(runner, 'start')}\` (next start of the build). Otherwise,`;
  return (
    `The Cloud Tasks adapter is misconfigured (${count})${local} fix these settings and restart:\n${lines}\n` +
    `Every variable is described in node_modules/next-cloud-tasks/docs/deploy-cloud-run.md (each is also an option of registerDeferred); \`${binCommand(runner, 'doctor')}\` prints what the app sees.`
  );
}
