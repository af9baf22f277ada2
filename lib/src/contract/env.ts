/**
 * Every environment variable the package reads, in one table: its name, what it is for, what it
 * defaults to, and the rule a value must follow. The app's options (runtime/options.ts), the
 * start-up check, `doctor` and the CLI all read the environment through it, so a variable is
 * spelled, parsed and explained once.
 *
 * The callback URL and the audience come from here (or from explicit options), never from a
 * request's Host header: a forged Host would send tasks, and their OIDC tokens, elsewhere.
 */

/** The environment as read: `process.env`, or a test's own object. */
export type Env = Readonly<Record<string, string | undefined>>;

/** A value that breaks its variable's rule: the message says what a valid one looks like. */
export interface Invalid {
  invalid: string;
}

/** One environment variable. `parse` gets the trimmed, non-blank text and the name to quote in messages. */
export interface EnvVariable<T = string> {
  readonly name: string;
  /** What it is for, in a few words (doctor's notes, error messages). */
  readonly about: string;
  /** What is used when it is unset, in words. */
  readonly unset: string;
  readonly parse: (raw: string, label: string) => T | Invalid;
}

export const isInvalid = (value: unknown): value is Invalid => typeof value === 'object' && value !== null && 'invalid' in value;

const text = (raw: string): string => raw;

function httpUrl(raw: string, label: string): string | Invalid {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { invalid: `${label}="${raw}" is not a URL: give the app's base URL, like https://my-app-abc123-uc.a.run.app` };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { invalid: `${label}="${raw}" must be an http(s) URL` };
  if (url.search || url.hash) return { invalid: `${label}="${raw}" must not carry a query string or fragment` };
  return raw.replace(/\/+$/, '');
}

function email(raw: string, label: string): string | Invalid {
  return /^[^@\s,]+@[^@\s,]+$/.test(raw)
    ? raw
    : { invalid: `${label}="${raw}" is not an email address (expected like tasks@my-project.iam.gserviceaccount.com)` };
}

function emails(raw: string, label: string): string[] | Invalid {
  const list = raw
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
  for (const item of list) {
    const checked = email(item, label);
    if (isInvalid(checked)) return checked;
  }
  return list;
}

function hostPort(raw: string, label: string): string | Invalid {
  return /^[A-Za-z0-9.\-[\]:]+:\d{1,5}$/.test(raw) ? raw : { invalid: `${label}="${raw}" must be host:port, like 127.0.0.1:8123` };
}

/** Cloud Storage's bucket naming rules (3-63 characters; lowercase letters, digits, -, _ and dots). */
const BUCKET_NAME = /^[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]$/;

/** `gs://bucket/prefix`, parsed: the only bucket and prefix the adapter writes and the handler reads. */
export interface GsLocation {
  bucket: string;
  /** '' or ending with '/': every object name starts with it. */
  prefix: string;
}

function gsLocation(raw: string, label: string): GsLocation | Invalid {
  const match = /^gs:\/\/([^/]+)(?:\/(.*))?$/.exec(raw);
  if (!match || !BUCKET_NAME.test(match[1]) || /^\/|\/\//.test(match[2] ?? '')) {
    return {
      invalid: `${label}="${raw}" must be gs://BUCKET or gs://BUCKET/PREFIX (a bucket name of 3-63 lowercase letters, digits, -, _ or .), like gs://my-app-deferred/payloads`,
    };
  }
  const prefix = match[2] ?? '';
  return { bucket: match[1], prefix: prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/` };
}

/** STORAGE_EMULATOR_HOST as a URL: `127.0.0.1:8123` and `http://127.0.0.1:8123/storage/v1/` both work. */
const storageEmulatorUrl = (raw: string): string => (/^https?:\/\//.test(raw) ? raw.replace(/\/+$/, '') : `http://${raw}`);

/** A whole number within `[min, max]` that matches `digits`; `rule` says so in the message. */
const wholeNumber =
  (digits: RegExp, min: number, max: number, rule: string) =>
  (raw: string, label: string): number | Invalid =>
    digits.test(raw) && Number(raw) >= min && Number(raw) <= max ? Number(raw) : { invalid: `${label}="${raw}" ${rule}` };

/** What a failed start-up check does: exit (the deploy fails), log a warning, or nothing. */
export type StartupCheckMode = 'fail' | 'warn' | 'off';

const startupCheck = (raw: string, label: string): StartupCheckMode | Invalid =>
  raw === 'fail' || raw === 'warn' || raw === 'off' ? raw : { invalid: `${label}="${raw}" must be fail, warn or off` };

const onOff = (raw: string, label: string): boolean | Invalid =>
  raw === 'on' ? true : raw === 'off' ? false : { invalid: `${label}="${raw}" must be on or off` };

function postgresUrl(raw: string, label: string): string | Invalid {
  return /^postgres(ql)?:\/\//.test(raw)
    ? raw
    : {
        invalid: `${label} must be a postgres:// connection string, like postgres://user:password@/db?host=/cloudsql/PROJECT:REGION:INSTANCE`,
      };
}

/** Cloud Tasks' rule for a queue id. */
const queueId = (raw: string, label: string): string | Invalid =>
  /^[A-Za-z0-9-]{1,100}$/.test(raw)
    ? raw
    : { invalid: `${label}="${raw}" is not a Cloud Tasks queue id (letters, digits and hyphens, at most 100)` };

/** The biggest task Cloud Tasks takes (contract/limits.ts's MAX_TASK_BYTES; contract modules import nothing of ours). */
const ONE_MIB = 1024 * 1024;

const variable = <T>(name: string, about: string, unset: string, parse: EnvVariable<T>['parse']): EnvVariable<T> => ({
  name,
  about,
  unset,
  parse,
});

/**
 * The table. The app's settings first (each is also an option of registerDeferred, under the
 * same key: runtime/options.ts), then what only the CLI and the emulator read, then the platform's.
 */
export const ENV = {
  project: variable('GOOGLE_CLOUD_PROJECT', 'the Google Cloud project that owns the queues', 'required to enqueue', text),
  location: variable('CLOUD_TASKS_LOCATION', 'the region of the queues, e.g. us-central1', 'required to enqueue', text),
  serviceUrl: variable(
    'DEFERRED_SERVICE_URL',
    "the app's public base URL that tasks call back (never the Host header)",
    'required',
    httpUrl,
  ),
  serviceAccount: variable('DEFERRED_SERVICE_ACCOUNT', "invoker account: the tasks' OIDC token carries its email", 'required', email),
  audience: variable('DEFERRED_AUDIENCE', 'the OIDC token audience', 'DEFERRED_SERVICE_URL', httpUrl),
  allowedEmails: variable('DEFERRED_ALLOWED_EMAILS', 'token emails accepted, comma-separated', 'DEFERRED_SERVICE_ACCOUNT', emails),
  queueYaml: variable('DEFERRED_QUEUE_YAML', 'path of queue.yaml', 'queue.yaml in the working directory', text),
  emulatorHost: variable(
    'CLOUD_TASKS_EMULATOR_HOST',
    'host:port of the local emulator (the handler then trusts its tokens); must be unset on Cloud Run',
    'Google Cloud Tasks',
    hostPort,
  ),
  startupCheck: variable(
    'DEFERRED_STARTUP_CHECK',
    'what a bad configuration does at server start: fail, warn or off',
    'fail when NODE_ENV=production, else warn',
    startupCheck,
  ),
  enqueueAttempts: variable(
    'DEFERRED_ENQUEUE_ATTEMPTS',
    'createTask tries on UNAVAILABLE / DEADLINE_EXCEEDED (named tasks); 1 = unnamed, no retry',
    '4',
    wholeNumber(/^([1-9]|10)$/, 1, 10, 'must be a whole number from 1 to 10'),
  ),
  shutdownGraceMs: variable(
    'DEFERRED_SHUTDOWN_GRACE_MS',
    'after SIGTERM, ms tasks in flight may finish before a retryable 503',
    '8000',
    wholeNumber(
      /^\d{1,6}$/,
      0,
      999_999,
      'must be a whole number of milliseconds, like 8000 (Cloud Run kills the instance 10 s after SIGTERM)',
    ),
  ),
  prewarm: variable(
    'DEFERRED_PREWARM',
    'load and build the Cloud Tasks client in register(), before the server takes requests (no network): on or off',
    'on',
    onOff,
  ),
  payloadBucket: variable(
    'DEFERRED_PAYLOAD_BUCKET',
    'gs://BUCKET/PREFIX for payloads too big for a task; the handler reads only there',
    'defer() throws PayloadTooLargeError past 1 MiB',
    gsLocation,
  ),
  payloadOffloadBytes: variable(
    'DEFERRED_PAYLOAD_OFFLOAD_BYTES',
    'offload envelopes past this many bytes (with a bucket)',
    `${ONE_MIB} (what does not fit)`,
    wholeNumber(/^\d{1,7}$/, 0, ONE_MIB, `must be a whole number of bytes up to ${ONE_MIB} (a task past that is offloaded anyway)`),
  ),
  payloadMaxBytes: variable(
    'DEFERRED_PAYLOAD_MAX_BYTES',
    'the biggest offloaded payload the handler reads',
    `${32 * ONE_MIB}`,
    wholeNumber(/^\d{1,10}$/, 1, Number.MAX_SAFE_INTEGER, 'must be a whole number of bytes, like 33554432 (32 MiB)'),
  ),
  storageEmulatorHost: variable(
    'STORAGE_EMULATOR_HOST',
    "the emulator's Cloud Storage stand-in (http://127.0.0.1:8123/storage/v1); must be unset on Cloud Run",
    'Google Cloud Storage',
    storageEmulatorUrl,
  ),
  // Read by the workflow World (workflow/settings.ts).
  workflowPostgresUrl: variable(
    'WORKFLOW_POSTGRES_URL',
    "the workflow World's Postgres (Cloud SQL): runs, steps, events, hooks, streams",
    'files beside the local emulator only',
    postgresUrl,
  ),
  workflowLocalDataDir: variable('WORKFLOW_LOCAL_DATA_DIR', "the folder of the workflow World's embedded storage", '.workflow-data', text),
  workflowFlowQueue: variable('WORKFLOW_CLOUD_TASKS_FLOW_QUEUE', 'the queue.yaml queue of workflow messages', 'workflow-flows', queueId),
  workflowStepQueue: variable('WORKFLOW_CLOUD_TASKS_STEP_QUEUE', 'the queue.yaml queue of step messages', 'workflow-steps', queueId),
  // Read by the CLI, the jest kit and the emulator.
  cronYaml: variable('DEFERRED_CRON_YAML', 'path of cron.yaml', 'cron.yaml in the working directory', text),
  schedulerLocation: variable('CLOUD_SCHEDULER_LOCATION', 'the region of the cron jobs', 'CLOUD_TASKS_LOCATION', text),
  cronServiceAccount: variable('CRON_SERVICE_ACCOUNT', "the cron jobs' OIDC token account", 'DEFERRED_SERVICE_ACCOUNT', text),
  cronTargetUrls: variable('CRON_TARGET_URLS', "App Engine targets' Cloud Run URLs: name=url,name=url", 'none', text),
  emulatorAllowedHosts: variable(
    'CLOUD_TASKS_EMULATOR_ALLOWED_HOSTS',
    'hosts besides loopback the emulator may send tasks to, comma-separated',
    'loopback only',
    text,
  ),
  appPort: variable('PORT', "the app's local port, for the emulator's default app URL", '3000', text),
  // Set by the platform.
  cloudRunService: variable('K_SERVICE', 'set by Cloud Run: the service name', 'not on Cloud Run', text),
  cloudRunRevision: variable('K_REVISION', "set by Cloud Run: the revision (a workflow run's deployment id)", 'local', text),
  nodeEnv: variable('NODE_ENV', '`production` makes the start-up check fail instead of warn', 'development', text),
} as const;

export type EnvKey = keyof typeof ENV;

/** A variable's text, trimmed; undefined when unset or blank. */
export function envText(env: Env, variable: EnvVariable<unknown>): string | undefined {
  const value = env[variable.name]?.trim();
  return value ? value : undefined;
}

/** A variable's parsed value: undefined when unset, an Invalid (with its message) when malformed. */
export function readEnv<T>(env: Env, variable: EnvVariable<T>): T | Invalid | undefined {
  const raw = envText(env, variable);
  return raw === undefined ? undefined : variable.parse(raw, variable.name);
}

/** Where the adapter runs on Cloud Run (K_SERVICE is set there, and only there). */
export const onCloudRun = (env: Env): boolean => envText(env, ENV.cloudRunService) !== undefined;

/** A production server (`next start`, a standalone build): NODE_ENV=production. */
export const isProduction = (env: Env): boolean => env[ENV.nodeEnv.name] === 'production';
