/**
 * The start-up check: every setting the adapter needs, checked once when the server starts
 * (instrumentation.ts) and by `npm run doctor`, so a bad deploy fails at once with one message
 * listing every problem, instead of on its first task.
 */
import { QueueYamlError, formatProblem } from '../queues/index.js';
import { listConfigProblems, readVariable as read, type ConfigProblem } from './config.js';
import { parseEnqueueAttempts } from '../enqueue/enqueue-retry.js';
import { loadQueueCatalog, queueYamlPath } from './queue-catalog.js';
import { parseShutdownGraceMs } from './shutdown.js';

type Env = Record<string, string | undefined>;

/** What a failed check does at start: exit (the deploy fails), log a warning, or nothing. */
export type StartupCheckMode = 'fail' | 'warn' | 'off';

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
    { variable: 'DEFERRED_AUDIENCE', value: read(env, 'DEFERRED_AUDIENCE'), note: `token audience; unset: DEFERRED_SERVICE_URL (${serviceUrl ?? 'unset'})` },
    { variable: 'DEFERRED_ALLOWED_EMAILS', value: read(env, 'DEFERRED_ALLOWED_EMAILS'), note: `token emails accepted; unset: DEFERRED_SERVICE_ACCOUNT (${serviceAccount ?? 'unset'})` },
    { variable: 'DEFERRED_QUEUE_YAML', value: read(env, 'DEFERRED_QUEUE_YAML'), note: `queue.yaml; unset: ${queueYamlPath({})}` },
    { variable: 'CLOUD_TASKS_EMULATOR_HOST', value: read(env, 'CLOUD_TASKS_EMULATOR_HOST'), note: 'local emulator (trusts its tokens); must be unset on Cloud Run' },
    { variable: 'DEFERRED_STARTUP_CHECK', value: read(env, 'DEFERRED_STARTUP_CHECK'), note: 'fail / warn / off; unset: fail when NODE_ENV=production, else warn' },
    { variable: 'DEFERRED_SHUTDOWN_GRACE_MS', value: read(env, 'DEFERRED_SHUTDOWN_GRACE_MS'), note: 'after SIGTERM, ms tasks in flight may finish; unset: 8000' },
    { variable: 'DEFERRED_ENQUEUE_ATTEMPTS', value: read(env, 'DEFERRED_ENQUEUE_ATTEMPTS'), note: 'createTask tries on UNAVAILABLE / DEADLINE_EXCEEDED (named tasks); unset: 4' },
    { variable: 'K_SERVICE', value: read(env, 'K_SERVICE'), note: 'set by Cloud Run: the service name' },
  ];
}

const parseStartupCheckMode = (raw: string): StartupCheckMode | undefined => (raw === 'fail' || raw === 'warn' || raw === 'off' ? raw : undefined);

/**
 * The tuning variables have defaults, but a value that is set and malformed is a mistake worth
 * stopping for. Each is checked with the parser that reads it at run time, so the two cannot differ.
 */
const TUNING: [variable: string, parse: (raw: string) => unknown, rule: string][] = [
  ['DEFERRED_STARTUP_CHECK', parseStartupCheckMode, 'must be fail, warn or off'],
  ['DEFERRED_SHUTDOWN_GRACE_MS', parseShutdownGraceMs, 'must be a whole number of milliseconds, like 8000 (Cloud Run kills the instance 10 s after SIGTERM)'],
  ['DEFERRED_ENQUEUE_ATTEMPTS', parseEnqueueAttempts, 'must be a whole number from 1 to 10'],
];

function checkTuning(env: Env, problems: ConfigProblem[]): void {
  for (const [variable, parse, rule] of TUNING) {
    const raw = read(env, variable);
    if (raw && parse(raw) === undefined) problems.push({ variable, message: `${variable}="${raw}" ${rule}` });
  }
}

function checkQueues(env: Env, problems: ConfigProblem[]): StartupReport['queues'] {
  const path = queueYamlPath(env);
  try {
    const catalog = loadQueueCatalog(env);
    return { file: path, names: [...catalog.names], implicit: catalog.implicit ?? false };
  } catch (error) {
    const variable = read(env, 'DEFERRED_QUEUE_YAML') ? 'DEFERRED_QUEUE_YAML' : 'queue.yaml';
    const detail = error instanceof QueueYamlError ? error.problems.filter((p) => p.severity === 'error').map(formatProblem).join('; ') : String(error);
    problems.push({ variable, message: `queue.yaml at ${path} cannot be used: ${detail}` });
    return undefined;
  }
}

/** Reads the environment and queue.yaml as the adapter will, and lists every problem. Never throws. */
export function inspectStartup(env: Env = process.env): StartupReport {
  const problems = listConfigProblems(env);
  checkTuning(env, problems);
  const queues = checkQueues(env, problems);
  return { settings: describeSettings(env), queues, problems };
}

export function startupCheckMode(env: Env = process.env): StartupCheckMode {
  const mode = parseStartupCheckMode(read(env, 'DEFERRED_STARTUP_CHECK') ?? '');
  if (mode) return mode;
  return env.NODE_ENV === 'production' ? 'fail' : 'warn';
}

/** The one message a failed start prints: every problem, one per line, and where the variables are documented. */
export function formatStartupProblems(problems: readonly ConfigProblem[]): string {
  const lines = problems.map((p) => `  - ${p.message}`).join('\n');
  return (
    `The Cloud Tasks adapter is misconfigured (${problems.length} problem${problems.length === 1 ? '' : 's'}); fix these settings and restart:\n${lines}\n` +
    'Every variable is described in lib/deferred/config.ts and docs/deploy-cloud-run.md; `npm run doctor` prints what the app sees.'
  );
}
