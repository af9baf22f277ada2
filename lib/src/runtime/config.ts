import { ConfigError } from '../contract/errors.js';
import { MAX_TASK_BYTES } from '../contract/limits.js';
import { log } from './logger.js';
import { processState } from './process-state.js';

/**
 * Everything the adapter reads from the environment, in one place.
 *
 * | variable                     | what it is                                                         | needed by        |
 * |------------------------------|--------------------------------------------------------------------|------------------|
 * | GOOGLE_CLOUD_PROJECT         | project that owns the queues                                       | defer            |
 * | CLOUD_TASKS_LOCATION         | region of the queues, e.g. `us-central1`                           | defer            |
 * | DEFERRED_SERVICE_URL         | public base URL of this app that tasks call (`https://…run.app`)   | defer, handler   |
 * | DEFERRED_SERVICE_ACCOUNT     | service account whose OIDC token each task carries                 | defer, handler   |
 * | DEFERRED_AUDIENCE            | OIDC audience; default: DEFERRED_SERVICE_URL                       | defer, handler   |
 * | DEFERRED_ALLOWED_EMAILS      | comma-separated token emails accepted; default: the service account| handler          |
 * | DEFERRED_QUEUE_YAML          | path of queue.yaml; default: `queue.yaml` in the working directory | defer, handler   |
 * | CLOUD_TASKS_EMULATOR_HOST    | `host:port` of the local emulator; never set on Cloud Run          | defer, handler   |
 * | DEFERRED_STARTUP_CHECK       | `fail` / `warn` / `off`: what a bad config does at server start;   | instrumentation  |
 * |                              | default `fail` when NODE_ENV=production, else `warn`               |                  |
 * | DEFERRED_ENQUEUE_ATTEMPTS    | tries of createTask on UNAVAILABLE / DEADLINE_EXCEEDED, 1-10; tasks | defer            |
 * |                              | are named before the first try; 1 = unnamed, no retry; default 4   |                  |
 * | DEFERRED_SHUTDOWN_GRACE_MS   | after SIGTERM, how long tasks in flight may finish before they are | instrumentation  |
 * |                              | answered 503 (retried); default 8000 (Cloud Run allows 10 s)      |                  |
 * | DEFERRED_PREWARM             | `on` / `off`: warm defer() at start (client, one refused CreateTask, | instrumentation |
 * |                              | the pipeline); `off` for a service that never defers; default `on` |                  |
 * | DEFERRED_PAYLOAD_BUCKET      | `gs://bucket/prefix`: where defer() stores an envelope too big for | defer, handler   |
 * |                              | a task (the task carries a reference); unset: such payloads throw |                  |
 * | STORAGE_EMULATOR_HOST        | `http://127.0.0.1:8123`: Cloud Storage's stand-in (the emulator);  | defer, handler   |
 * |                              | never set on Cloud Run                                             |                  |
 * | DEFERRED_PAYLOAD_OFFLOAD_BYTES | offload envelopes past this many bytes (tasks past 1 MiB always) | defer            |
 * | DEFERRED_PAYLOAD_MAX_BYTES   | the biggest offloaded payload the handler reads; default 32 MiB    | handler          |
 * | K_SERVICE                    | set by Cloud Run: the service's name (production checks, warnings) | all              |
 * | NODE_ENV                     | `production` makes the start-up check fail instead of warn         | instrumentation  |
 * | NEXT_CLOUD_TASKS_BUILT_QUEUE_YAML | set by withCloudTasks at build time (inlined by Next): the    | instrumentation  |
 * |                              | queue.yaml the server was built with                               |                  |
 *
 * The callback URL and the audience come from here, never from a request's Host header:
 * a forged Host would send tasks, and their OIDC tokens, elsewhere.
 */
export interface EnqueueConfig {
  project: string;
  location: string;
  /** Base URL without a trailing slash. */
  serviceUrl: string;
  serviceAccountEmail: string;
  audience: string;
  emulatorHost?: string;
  /** DEFERRED_PAYLOAD_BUCKET: where payloads too big for a task go; undefined: they throw PayloadTooLargeError. */
  payloadStorage?: PayloadStorageConfig;
}

/** DEFERRED_PAYLOAD_BUCKET, parsed: the only bucket and prefix the adapter writes and the handler reads. */
export interface PayloadStorageConfig {
  bucket: string;
  /** '' or ending with '/': every object name starts with it. */
  prefix: string;
  /** STORAGE_EMULATOR_HOST as a URL (`http://127.0.0.1:8123`): the local stand-in, no credentials. */
  emulatorUrl?: string;
}

export interface HandlerConfig {
  audience: string;
  allowedEmails: readonly string[];
  emulatorHost?: string;
  /** DEFERRED_PAYLOAD_BUCKET: the only place the handler reads offloaded payloads from. */
  payloadStorage?: PayloadStorageConfig;
  /** GOOGLE_CLOUD_PROJECT, for the trace field of log entries; optional for the handler. */
  project?: string;
}

type Env = Record<string, string | undefined>;

/** One missing or malformed setting: the variable, and a message that says what to do. */
export interface ConfigProblem {
  variable: string;
  message: string;
}
type Problem = ConfigProblem;

/** A variable's value, trimmed; undefined when unset or blank. */
export function readVariable(env: Env, variable: string): string | undefined {
  const value = env[variable]?.trim();
  return value ? value : undefined;
}

function required(env: Env, variable: string, what: string, problems: Problem[]): string {
  const value = readVariable(env, variable);
  if (!value) problems.push({ variable, message: `${variable} is not set: ${what}` });
  return value ?? '';
}

function checkUrl(variable: string, value: string, problems: Problem[]): string {
  if (!value) return value;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    problems.push({
      variable,
      message: `${variable}="${value}" is not a URL: give the app's base URL, like https://my-app-abc123-uc.a.run.app`,
    });
    return value;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    problems.push({ variable, message: `${variable}="${value}" must be an http(s) URL` });
  } else if (url.search || url.hash) {
    problems.push({ variable, message: `${variable}="${value}" must not carry a query string or fragment` });
  }
  return value.replace(/\/+$/, '');
}

function checkEmail(variable: string, value: string, problems: Problem[]): void {
  if (value && !/^[^@\s,]+@[^@\s,]+$/.test(value)) {
    problems.push({
      variable,
      message: `${variable}="${value}" is not an email address (expected like tasks@my-project.iam.gserviceaccount.com)`,
    });
  }
}

/**
 * The emulator's certs and issuer are trusted only when CLOUD_TASKS_EMULATOR_HOST is set, so it
 * must never be set in production: on Cloud Run (K_SERVICE is set there) that is an error.
 */
function readEmulatorHost(env: Env, problems: Problem[]): string | undefined {
  const host = readVariable(env, 'CLOUD_TASKS_EMULATOR_HOST');
  if (!host) return undefined;
  if (onCloudRun(env)) {
    problems.push({
      variable: 'CLOUD_TASKS_EMULATOR_HOST',
      message: `CLOUD_TASKS_EMULATOR_HOST is set on Cloud Run (K_SERVICE=${env.K_SERVICE}): it would make the app trust the local emulator's tokens. Remove it from the service's environment`,
    });
  } else if (!/^[A-Za-z0-9.\-[\]:]+:\d{1,5}$/.test(host)) {
    problems.push({
      variable: 'CLOUD_TASKS_EMULATOR_HOST',
      message: `CLOUD_TASKS_EMULATOR_HOST="${host}" must be host:port, like 127.0.0.1:8123`,
    });
  }
  return host;
}

/** Cloud Storage's bucket naming rules (3-63 characters; lowercase letters, digits, -, _ and dots). */
const BUCKET_NAME = /^[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]$/;

/** DEFERRED_PAYLOAD_BUCKET (`gs://bucket/prefix`) and STORAGE_EMULATOR_HOST; undefined when no bucket is set. */
function readPayloadStorage(env: Env, problems: Problem[]): PayloadStorageConfig | undefined {
  const value = readVariable(env, 'DEFERRED_PAYLOAD_BUCKET');
  const emulator = readVariable(env, 'STORAGE_EMULATOR_HOST');
  let emulatorUrl: string | undefined;
  if (emulator) {
    emulatorUrl = /^https?:\/\//.test(emulator) ? emulator.replace(/\/+$/, '') : `http://${emulator}`;
    if (onCloudRun(env)) {
      problems.push({
        variable: 'STORAGE_EMULATOR_HOST',
        message: `STORAGE_EMULATOR_HOST is set on Cloud Run (K_SERVICE=${env.K_SERVICE}): payloads would go to a local stand-in. Remove it from the service's environment`,
      });
    }
  }
  if (!value) return undefined;
  const match = /^gs:\/\/([^/]+)(?:\/(.*))?$/.exec(value);
  if (!match || !BUCKET_NAME.test(match[1]) || /^\/|\/\//.test(match[2] ?? '')) {
    problems.push({
      variable: 'DEFERRED_PAYLOAD_BUCKET',
      message: `DEFERRED_PAYLOAD_BUCKET="${value}" must be gs://BUCKET or gs://BUCKET/PREFIX (a bucket name of 3-63 lowercase letters, digits, -, _ or .), like gs://my-app-deferred/payloads`,
    });
    return undefined;
  }
  const rawPrefix = match[2] ?? '';
  const prefix = rawPrefix === '' || rawPrefix.endsWith('/') ? rawPrefix : `${rawPrefix}/`;
  return { bucket: match[1], prefix, ...(emulatorUrl ? { emulatorUrl } : {}) };
}

function fail(purpose: string, problems: Problem[]): never {
  const lines = problems.map((p) => `  - ${p.message}`).join('\n');
  throw new ConfigError(
    problems.map((p) => p.variable),
    `The Cloud Tasks adapter cannot ${purpose}; fix these environment variables:\n${lines}`,
  );
}

function enqueueSettings(env: Env, problems: Problem[]): EnqueueConfig {
  const project = required(env, 'GOOGLE_CLOUD_PROJECT', 'the Google Cloud project that owns the queues', problems);
  const location = required(env, 'CLOUD_TASKS_LOCATION', 'the region of the queues, e.g. us-central1', problems);
  const serviceUrl = checkUrl(
    'DEFERRED_SERVICE_URL',
    required(env, 'DEFERRED_SERVICE_URL', "the app's public base URL that tasks call back", problems),
    problems,
  );
  const serviceAccountEmail = required(env, 'DEFERRED_SERVICE_ACCOUNT', 'the service account whose OIDC token tasks carry', problems);
  checkEmail('DEFERRED_SERVICE_ACCOUNT', serviceAccountEmail, problems);
  const audience = checkUrl('DEFERRED_AUDIENCE', readVariable(env, 'DEFERRED_AUDIENCE') ?? '', problems) || serviceUrl;
  const emulatorHost = readEmulatorHost(env, problems);
  const payloadStorage = readPayloadStorage(env, problems);
  return { project, location, serviceUrl, serviceAccountEmail, audience, emulatorHost, ...(payloadStorage ? { payloadStorage } : {}) };
}

export function readEnqueueConfig(env: Env = process.env): EnqueueConfig {
  const problems: Problem[] = [];
  const config = enqueueSettings(env, problems);
  if (problems.length) fail('enqueue tasks', problems);
  return config;
}

function handlerSettings(env: Env, problems: Problem[]): HandlerConfig {
  const explicitAudience = readVariable(env, 'DEFERRED_AUDIENCE');
  const audience = explicitAudience
    ? checkUrl('DEFERRED_AUDIENCE', explicitAudience, problems)
    : checkUrl(
        'DEFERRED_SERVICE_URL',
        required(
          env,
          'DEFERRED_SERVICE_URL',
          "the app's public base URL, the audience of task tokens (or set DEFERRED_AUDIENCE)",
          problems,
        ),
        problems,
      );
  const emailsVariable = readVariable(env, 'DEFERRED_ALLOWED_EMAILS') ? 'DEFERRED_ALLOWED_EMAILS' : 'DEFERRED_SERVICE_ACCOUNT';
  const allowedEmails = (readVariable(env, emailsVariable) ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  if (!allowedEmails.length) {
    problems.push({
      variable: 'DEFERRED_ALLOWED_EMAILS',
      message:
        'DEFERRED_ALLOWED_EMAILS (or DEFERRED_SERVICE_ACCOUNT) is not set: the service account emails whose task tokens are accepted',
    });
  }
  for (const email of allowedEmails) checkEmail(emailsVariable, email, problems);
  const emulatorHost = readEmulatorHost(env, problems);
  const payloadStorage = readPayloadStorage(env, problems);
  return {
    audience,
    allowedEmails,
    emulatorHost,
    project: readVariable(env, 'GOOGLE_CLOUD_PROJECT'),
    ...(payloadStorage ? { payloadStorage } : {}),
  };
}

export function readHandlerConfig(env: Env = process.env): HandlerConfig {
  const problems: Problem[] = [];
  const config = handlerSettings(env, problems);
  if (problems.length) fail('verify task requests', problems);
  return config;
}

/**
 * Every problem of the environment as data, for the start-up check and `npx next-cloud-tasks doctor`:
 * [] when both enqueueing and handling can work. Enqueueing and handling read the same variables,
 * so each variable is reported once (the first, enqueue-side message).
 */
export function listConfigProblems(env: Env = process.env): ConfigProblem[] {
  const problems: Problem[] = [];
  enqueueSettings(env, problems);
  handlerSettings(env, problems);
  const seen = new Set<string>();
  return problems.filter((p) => !seen.has(p.variable) && seen.add(p.variable));
}

const cache = () => processState('config', (): { enqueue?: EnqueueConfig; handler?: HandlerConfig } => ({}));

/** Read and validated once per process; a ConfigError is thrown again on each call until fixed. */
export function enqueueConfigFromEnv(): EnqueueConfig {
  const state = cache();
  return (state.enqueue ??= readEnqueueConfig());
}

export function handlerConfigFromEnv(): HandlerConfig {
  const state = cache();
  return (state.handler ??= readHandlerConfig());
}

/** Forget the cached configuration (tests that change the environment). */
export function resetConfigCache(): void {
  const state = cache();
  state.enqueue = undefined;
  state.handler = undefined;
}

/** A production server (`next start`, a standalone build): NODE_ENV=production. */
export function isProduction(env: Env = process.env): boolean {
  return env.NODE_ENV === 'production';
}

/** Where the adapter runs on Cloud Run (K_SERVICE is set there, and only there). */
export function onCloudRun(env: Env = process.env): boolean {
  return readVariable(env, 'K_SERVICE') !== undefined;
}

/** Path of queue.yaml as given (DEFERRED_QUEUE_YAML), else undefined: the caller resolves the default. */
export function queueYamlSetting(env: Env = process.env): string | undefined {
  return readVariable(env, 'DEFERRED_QUEUE_YAML');
}

/**
 * The queue.yaml the server was built with, as withCloudTasks recorded it (relative to the app):
 * '' when it had none, undefined when the app was built without withCloudTasks. Next inlines
 * `process.env.<name>` from next.config's `env` at build time, so the name must be spelled out.
 */
export function builtQueueYaml(): string | undefined {
  return process.env.NEXT_CLOUD_TASKS_BUILT_QUEUE_YAML;
}

/** What a failed start-up check does: exit (the deploy fails), log a warning, or nothing. */
export type StartupCheckMode = 'fail' | 'warn' | 'off';

/** A tuning variable: it has a default, and a value that is set but malformed is a mistake worth stopping for. */
interface Tuning<T> {
  variable: string;
  parse: (raw: string) => T | undefined;
  /** What a valid value looks like, for messages. */
  rule: string;
  fallback: (env: Env) => T;
}

const oneOf =
  <T extends string>(...values: T[]) =>
  (raw: string): T | undefined =>
    (values as string[]).includes(raw) ? (raw as T) : undefined;

/** Every tuning variable, with its rule and default: read at run time and checked at start from this one table. */
export const TUNING = {
  startupCheck: {
    variable: 'DEFERRED_STARTUP_CHECK',
    parse: oneOf<StartupCheckMode>('fail', 'warn', 'off'),
    rule: 'must be fail, warn or off',
    fallback: (env: Env): StartupCheckMode => (isProduction(env) ? 'fail' : 'warn'),
  } satisfies Tuning<StartupCheckMode>,
  shutdownGraceMs: {
    variable: 'DEFERRED_SHUTDOWN_GRACE_MS',
    parse: (raw: string) => (/^\d{1,6}$/.test(raw) ? Number(raw) : undefined),
    rule: 'must be a whole number of milliseconds, like 8000 (Cloud Run kills the instance 10 s after SIGTERM)',
    fallback: () => 8000,
  } satisfies Tuning<number>,
  enqueueAttempts: {
    variable: 'DEFERRED_ENQUEUE_ATTEMPTS',
    parse: (raw: string) => (/^([1-9]|10)$/.test(raw) ? Number(raw) : undefined),
    rule: 'must be a whole number from 1 to 10',
    fallback: () => 4,
  } satisfies Tuning<number>,
  payloadOffloadBytes: {
    variable: 'DEFERRED_PAYLOAD_OFFLOAD_BYTES',
    parse: (raw: string) => (/^\d{1,7}$/.test(raw) && Number(raw) <= MAX_TASK_BYTES ? Number(raw) : undefined),
    rule: `must be a whole number of bytes up to ${MAX_TASK_BYTES} (a task past that is offloaded anyway)`,
    fallback: () => MAX_TASK_BYTES,
  } satisfies Tuning<number>,
  payloadMaxBytes: {
    variable: 'DEFERRED_PAYLOAD_MAX_BYTES',
    parse: (raw: string) => (/^\d{1,10}$/.test(raw) && Number(raw) > 0 ? Number(raw) : undefined),
    rule: 'must be a whole number of bytes, like 33554432 (32 MiB)',
    fallback: () => 32 * 1024 * 1024,
  } satisfies Tuning<number>,
  prewarm: {
    variable: 'DEFERRED_PREWARM',
    parse: (raw: string) => (raw === 'on' ? true : raw === 'off' ? false : undefined),
    rule: 'must be on or off',
    fallback: () => true,
  } satisfies Tuning<boolean>,
};
export type TuningName = keyof typeof TUNING;
type TuningValue<K extends TuningName> = ReturnType<(typeof TUNING)[K]['fallback']>;

/** A tuning value, or its default; a malformed value falls back to the default and says so. */
export function readTuning<K extends TuningName>(
  name: K,
  env: Env = process.env,
  warn = (message: string) => log('WARNING', message),
): TuningValue<K> {
  const tuning: Tuning<TuningValue<K>> = TUNING[name] as never;
  const raw = readVariable(env, tuning.variable);
  const fallback = tuning.fallback(env);
  if (raw === undefined) return fallback;
  const value = tuning.parse(raw);
  if (value !== undefined) return value;
  warn(`${tuning.variable}="${raw}" ${tuning.rule}; using ${fallback}`);
  return fallback;
}

/** The tuning variables that are set but malformed, for the start-up check. */
export function listTuningProblems(env: Env = process.env): ConfigProblem[] {
  return Object.values(TUNING).flatMap((tuning: Tuning<unknown>) => {
    const raw = readVariable(env, tuning.variable);
    return raw !== undefined && tuning.parse(raw) === undefined
      ? [{ variable: tuning.variable, message: `${tuning.variable}="${raw}" ${tuning.rule}` }]
      : [];
  });
}
