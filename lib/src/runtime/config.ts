/**
 * The options resolved: explicit options (registerDeferred's, the test kit's) over the
 * environment (the table in contract/env.ts) over the defaults (runtime/options.ts), checked,
 * into what defer() and the handler read. Pure: runtime/settings.ts keeps the one result per process.
 */
import { ENV, isProduction, onCloudRun, type Env, type StartupCheckMode } from '../contract/env.js';
import { ConfigError } from '../contract/errors.js';
import { OPTION_DEFAULTS, type CloudTasksOptions, type CloudTasksSetting } from './options.js';
import { optional, pick, required, type Problems } from './pick-setting.js';

/** What `defer()` creates tasks with. */
export interface EnqueueConfig {
  project: string;
  location: string;
  /** Base URL without a trailing slash. */
  serviceUrl: string;
  serviceAccountEmail: string;
  audience: string;
  emulatorHost?: string;
  /** Where payloads too big for a task go; undefined: they throw PayloadTooLargeError. */
  payloadStorage?: PayloadStorageConfig;
}

/** The payload bucket, parsed: the only bucket and prefix the adapter writes and the handler reads. */
export interface PayloadStorageConfig {
  bucket: string;
  /** '' or ending with '/': every object name starts with it. */
  prefix: string;
  /** The storage emulator as a URL (`http://127.0.0.1:8123`): the local stand-in, no credentials. */
  emulatorUrl?: string;
}

/** What the handler verifies task requests with. */
export interface HandlerConfig {
  audience: string;
  allowedEmails: readonly string[];
  emulatorHost?: string;
  /** The only place the handler reads offloaded payloads from. */
  payloadStorage?: PayloadStorageConfig;
  /** For the trace field of log entries; optional for the handler. */
  project?: string;
}

/** One missing or malformed setting: the variable (or option), and a message that says what to do. */
export interface ConfigProblem {
  variable: string;
  message: string;
}

/** Every setting, resolved; enqueue and handler are each their config or the error that lists what is wrong. */
export interface Settings {
  enqueue: EnqueueConfig | ConfigError;
  handler: HandlerConfig | ConfigError;
  /** Path of queue.yaml as given, relative to the working directory. */
  queueYaml: string;
  /** True when queue.yaml's path was given (a missing file is then an error, not the implicit queue). */
  queueYamlGiven: boolean;
  startupCheck: StartupCheckMode;
  enqueueAttempts: number;
  shutdownGraceMs: number;
  prewarm: boolean;
  payloadOffloadBytes: number;
  payloadMaxBytes: number;
  /** Every problem, each variable once: enqueue's and the handler's first, then the tuning values'. */
  problems: ConfigProblem[];
  /** Tuning values that were malformed, each with the default used instead. */
  tuningWarnings: string[];
}

const givenIn = (label: string) => (label.startsWith('options.') ? "registerDeferred's options" : "the service's environment");

/**
 * The emulator's certs and issuer are trusted only with an emulator host, so it must never be set
 * in production: on Cloud Run (K_SERVICE is set there) that is an error.
 */
function emulatorHost(options: CloudTasksOptions, env: Env, problems: Problems): string | undefined {
  const picked = pick<string>(options, 'emulatorHost', env);
  if (picked.value === undefined && !picked.problem) return undefined;
  if (onCloudRun(env)) {
    problems.push({
      variable: picked.label,
      message: `${picked.label} is set on Cloud Run (K_SERVICE=${env.K_SERVICE}): it would make the app trust the local emulator's tokens. Remove it from ${givenIn(picked.label)}`,
    });
    return undefined;
  }
  return optional(picked, problems);
}

function payloadStorage(options: CloudTasksOptions, env: Env, problems: Problems): PayloadStorageConfig | undefined {
  const emulator = pick<string>(options, 'storageEmulatorHost', env);
  if (emulator.value !== undefined && onCloudRun(env)) {
    problems.push({
      variable: emulator.label,
      message: `${emulator.label} is set on Cloud Run (K_SERVICE=${env.K_SERVICE}): payloads would go to a local stand-in. Remove it from ${givenIn(emulator.label)}`,
    });
  }
  const bucket = optional(pick<{ bucket: string; prefix: string }>(options, 'payloadBucket', env), problems);
  if (!bucket) return undefined;
  return { ...bucket, ...(emulator.value !== undefined ? { emulatorUrl: emulator.value } : {}) };
}

const also = (option: string) => ` (or the ${option} option of registerDeferred)`;

function enqueueSettings(options: CloudTasksOptions, env: Env, problems: Problems): EnqueueConfig {
  const project = required(
    pick<string>(options, 'project', env),
    `the Google Cloud project that owns the queues${also('project')}`,
    problems,
  );
  const location = required(
    pick<string>(options, 'location', env),
    `the region of the queues, e.g. us-central1${also('location')}`,
    problems,
  );
  const serviceUrl = required(
    pick<string>(options, 'serviceUrl', env),
    `the app's public base URL that tasks call back${also('serviceUrl')}`,
    problems,
  );
  const serviceAccountEmail = required(
    pick<string>(options, 'serviceAccount', env),
    `the service account whose OIDC token tasks carry${also('serviceAccount')}`,
    problems,
  );
  const audience = optional(pick<string>(options, 'audience', env), problems) ?? serviceUrl;
  const host = emulatorHost(options, env, problems);
  const storage = payloadStorage(options, env, problems);
  return {
    project: project ?? '',
    location: location ?? '',
    serviceUrl: serviceUrl ?? '',
    serviceAccountEmail: serviceAccountEmail ?? '',
    audience: audience ?? '',
    emulatorHost: host,
    ...(storage ? { payloadStorage: storage } : {}),
  };
}

function handlerSettings(options: CloudTasksOptions, env: Env, problems: Problems): HandlerConfig {
  const explicitAudience = pick<string>(options, 'audience', env);
  const audience =
    explicitAudience.value !== undefined || explicitAudience.problem
      ? optional(explicitAudience, problems)
      : required(
          pick<string>(options, 'serviceUrl', env),
          `the app's public base URL, the audience of task tokens (or set DEFERRED_AUDIENCE)`,
          problems,
        );
  const listed = pick<string[]>(options, 'allowedEmails', env);
  const account = pick<string>(options, 'serviceAccount', env);
  const given = listed.value !== undefined || listed.problem ? listed : account;
  const accepted = optional<string[] | string>(given, problems);
  const allowedEmails = accepted === undefined ? [] : Array.isArray(accepted) ? accepted : [accepted];
  if (!allowedEmails.length && !given.problem) {
    problems.push({
      variable: ENV.allowedEmails.name,
      message:
        'DEFERRED_ALLOWED_EMAILS (or DEFERRED_SERVICE_ACCOUNT) is not set: the service account emails whose task tokens are accepted',
    });
  }
  const host = emulatorHost(options, env, problems);
  const storage = payloadStorage(options, env, problems);
  return {
    audience: audience ?? '',
    allowedEmails,
    emulatorHost: host,
    project: pick<string>(options, 'project', env).value,
    ...(storage ? { payloadStorage: storage } : {}),
  };
}

/** One error for every problem: `heading`, then one problem per line; its `variables` name each setting once. */
export function problemsError(heading: string, problems: readonly ConfigProblem[]): ConfigError {
  const lines = problems.map((p) => `  - ${p.message}`).join('\n');
  return new ConfigError([...new Set(problems.map((p) => p.variable))], `${heading}:\n${lines}`);
}

const fail = (purpose: string, problems: Problems) =>
  problemsError(`The Cloud Tasks adapter cannot ${purpose}; fix these settings`, problems);

/** The settings for `options` in `env`. Never throws: problems are data, errors are values. */
export function resolveSettings(options: CloudTasksOptions, env: Env): Settings {
  const enqueueProblems: Problems = [];
  const enqueue = enqueueSettings(options, env, enqueueProblems);
  const handlerProblems: Problems = [];
  const handler = handlerSettings(options, env, handlerProblems);
  const tuningProblems: Problems = [];
  const tuningWarnings: string[] = [];
  // A tuning value has a default; a malformed one falls back to it, with a warning (and a problem for the start-up check).
  const read = <T>(key: CloudTasksSetting, fallback: T): T => {
    const picked = pick<T>(options, key, env);
    if (!picked.problem) return picked.value ?? fallback;
    tuningProblems.push(picked.problem);
    tuningWarnings.push(`${picked.problem.message}; using ${String(fallback)}`);
    return fallback;
  };
  const startupCheck = read<StartupCheckMode>('startupCheck', isProduction(env) ? 'fail' : 'warn');
  const shutdownGraceMs = read('shutdownGraceMs', OPTION_DEFAULTS.shutdownGraceMs);
  const enqueueAttempts = read('enqueueAttempts', OPTION_DEFAULTS.enqueueAttempts);
  const payloadOffloadBytes = read('payloadOffloadBytes', OPTION_DEFAULTS.payloadOffloadBytes);
  const payloadMaxBytes = read('payloadMaxBytes', OPTION_DEFAULTS.payloadMaxBytes);
  const prewarm = read<boolean>('prewarm', OPTION_DEFAULTS.prewarm);
  const queueYaml = pick<string>(options, 'queueYaml', env).value;
  // Enqueueing and handling read the same variables: each is reported once (the enqueue side's message).
  const seen = new Set<string>();
  const problems = [...enqueueProblems, ...handlerProblems].filter((p) => !seen.has(p.variable) && seen.add(p.variable));
  return {
    enqueue: enqueueProblems.length ? fail('enqueue tasks', enqueueProblems) : enqueue,
    handler: handlerProblems.length ? fail('verify task requests', handlerProblems) : handler,
    queueYaml: queueYaml ?? OPTION_DEFAULTS.queueYaml,
    queueYamlGiven: queueYaml !== undefined,
    startupCheck,
    enqueueAttempts,
    shutdownGraceMs,
    prewarm,
    payloadOffloadBytes,
    payloadMaxBytes,
    problems: [...problems, ...tuningProblems],
    tuningWarnings,
  };
}

/**
 * The queue.yaml the server was built with, as withCloudTasks recorded it (relative to the app):
 * '' when it had none, undefined when the app was built without withCloudTasks. Next inlines
 * `process.env.<name>` from next.config's `env` at build time, so the name must be spelled out.
 */
export function builtQueueYaml(): string | undefined {
  return process.env.NEXT_CLOUD_TASKS_BUILT_QUEUE_YAML;
}
