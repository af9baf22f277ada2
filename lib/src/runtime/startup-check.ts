/**
 * The start-up check: every setting the adapter needs, checked once when the server starts
 * (instrumentation.ts) and by `next-cloud-tasks doctor`, so a bad deploy fails at once with one message
 * listing every problem, instead of on its first task.
 */
import { QueueYamlError, formatProblem } from '../queues/errors.js';
import {
  listConfigProblems,
  listTuningProblems,
  readTuning,
  readVariable as read,
  TUNING,
  type ConfigProblem,
  type StartupCheckMode,
  isProduction,
} from './config.js';
import { listBuildProblems } from './build-files.js';
import { DEFAULT_QUEUE_YAML, loadQueueCatalog, queueYamlPath } from './queue-catalog.js';
import { binCommand, detectPackageRunner } from './package-runner.js';

type Env = Record<string, string | undefined>;
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

function describeSettings(env: Env): StartupSetting[] {
  const serviceUrl = read(env, 'DEFERRED_SERVICE_URL');
  const serviceAccount = read(env, 'DEFERRED_SERVICE_ACCOUNT');
  return [
    { variable: 'GOOGLE_CLOUD_PROJECT', value: read(env, 'GOOGLE_CLOUD_PROJECT'), note: 'project that owns the queues' },
    { variable: 'CLOUD_TASKS_LOCATION', value: read(env, 'CLOUD_TASKS_LOCATION'), note: 'region of the queues' },
    { variable: 'DEFERRED_SERVICE_URL', value: serviceUrl, note: 'base URL tasks call back (never the Host header)' },
    { variable: 'DEFERRED_SERVICE_ACCOUNT', value: serviceAccount, note: "invoker account: the tasks' OIDC token carries its email" },
    {
      variable: 'DEFERRED_AUDIENCE',
      value: read(env, 'DEFERRED_AUDIENCE'),
      note: `token audience; unset: DEFERRED_SERVICE_URL (${serviceUrl ?? 'unset'})`,
    },
    {
      variable: 'DEFERRED_ALLOWED_EMAILS',
      value: read(env, 'DEFERRED_ALLOWED_EMAILS'),
      note: `token emails accepted; unset: DEFERRED_SERVICE_ACCOUNT (${serviceAccount ?? 'unset'})`,
    },
    {
      variable: 'DEFERRED_QUEUE_YAML',
      value: read(env, 'DEFERRED_QUEUE_YAML'),
      note: `queue.yaml; unset: ${DEFAULT_QUEUE_YAML} in ${process.cwd()}`,
    },
    {
      variable: 'CLOUD_TASKS_EMULATOR_HOST',
      value: read(env, 'CLOUD_TASKS_EMULATOR_HOST'),
      note: 'local emulator (trusts its tokens); must be unset on Cloud Run',
    },
    {
      variable: 'DEFERRED_PAYLOAD_BUCKET',
      value: read(env, 'DEFERRED_PAYLOAD_BUCKET'),
      note: 'gs://BUCKET/PREFIX for payloads too big for a task; unset: defer() throws PayloadTooLargeError past 1 MiB',
    },
    {
      variable: 'STORAGE_EMULATOR_HOST',
      value: read(env, 'STORAGE_EMULATOR_HOST'),
      note: "the emulator's Cloud Storage stand-in (http://127.0.0.1:8123/storage/v1); must be unset on Cloud Run",
    },
    {
      variable: TUNING.payloadOffloadBytes.variable,
      value: read(env, TUNING.payloadOffloadBytes.variable),
      note: `offload envelopes past this many bytes (with a bucket); unset: ${TUNING.payloadOffloadBytes.fallback()} (what does not fit)`,
    },
    {
      variable: TUNING.payloadMaxBytes.variable,
      value: read(env, TUNING.payloadMaxBytes.variable),
      note: `the biggest offloaded payload the handler reads; unset: ${TUNING.payloadMaxBytes.fallback()}`,
    },
    {
      variable: TUNING.startupCheck.variable,
      value: read(env, TUNING.startupCheck.variable),
      note: 'fail / warn / off; unset: fail when NODE_ENV=production, else warn',
    },
    {
      variable: TUNING.shutdownGraceMs.variable,
      value: read(env, TUNING.shutdownGraceMs.variable),
      note: `after SIGTERM, ms tasks in flight may finish; unset: ${TUNING.shutdownGraceMs.fallback()}`,
    },
    {
      variable: TUNING.enqueueAttempts.variable,
      value: read(env, TUNING.enqueueAttempts.variable),
      note: `createTask tries on UNAVAILABLE / DEADLINE_EXCEEDED (named tasks); unset: ${TUNING.enqueueAttempts.fallback()}`,
    },
    {
      variable: TUNING.prewarm.variable,
      value: read(env, TUNING.prewarm.variable),
      note: 'warm defer() at start: the client, one refused CreateTask, the pipeline (on / off); unset: on',
    },
    { variable: 'K_SERVICE', value: read(env, 'K_SERVICE'), note: 'set by Cloud Run: the service name' },
  ];
}

function checkQueues(env: Env, problems: ConfigProblem[]): StartupReport['queues'] {
  const path = queueYamlPath(env);
  try {
    const catalog = loadQueueCatalog(env);
    return { file: path, names: [...catalog.names], implicit: catalog.implicit ?? false };
  } catch (error) {
    const variable = read(env, 'DEFERRED_QUEUE_YAML') ? 'DEFERRED_QUEUE_YAML' : 'queue.yaml';
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

/** Reads the environment and queue.yaml as the adapter will, and lists every problem. Never throws. */
export function inspectStartup(env: Env = process.env): StartupReport {
  const problems = [...listConfigProblems(env), ...listTuningProblems(env)];
  // A production server must carry what it reads at run time; `next dev` reads the app's folder.
  if (isProduction(env)) problems.push(...listBuildProblems(queueYamlPath(env)));
  const queues = checkQueues(env, problems);
  return { settings: describeSettings(env), queues, problems };
}

/** DEFERRED_STARTUP_CHECK, or its default; a malformed value is reported by the check itself. */
export function startupCheckMode(env: Env = process.env): StartupCheckMode {
  return readTuning('startupCheck', env, () => {});
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
    read(env, 'K_SERVICE') || read(env, 'CLOUD_TASKS_EMULATOR_HOST')
      ? ';'
      : '. To run it locally, start it with the local Cloud Tasks emulator, which sets every variable: ' +
        `\`${binCommand(runner, 'dev')}\` (next dev) or \`${binCommand(runner, 'start')}\` (next start of the build). Otherwise,`;
  return (
    `The Cloud Tasks adapter is misconfigured (${count})${local} fix these settings and restart:\n${lines}\n` +
    `Every variable is described in node_modules/next-cloud-tasks/docs/deploy-cloud-run.md; \`${binCommand(runner, 'doctor')}\` prints what the app sees.`
  );
}
