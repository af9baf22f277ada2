/**
 * Every setting of the adapter, in one documented interface: what `registerDeferred(options)`
 * takes in instrumentation.ts. Each setting has an environment variable (the table in
 * contract/env.ts) and a default; an option given here wins over its variable, which wins over
 * the default. The result is resolved once per process (runtime/config.ts) and shared by Next's
 * three module instances (runtime/process-state.ts).
 */
import type { TaskTransport } from '../contract/transport.js';
import type { DeadLetterSink } from './dead-letter-sink.js';
import type { TaskEventListener } from './events.js';
import type { LogWriter } from './logger.js';
import type { Manifest } from './registry.js';
import type { TraceProvider } from './trace.js';

export interface CloudTasksOptions {
  /** The Google Cloud project that owns the queues. Env `GOOGLE_CLOUD_PROJECT`. @default none: required to enqueue */
  project?: string;
  /** The region of the queues, e.g. `us-central1`. Env `CLOUD_TASKS_LOCATION`. @default none: required to enqueue */
  location?: string;
  /**
   * The app's public base URL that tasks call back, like `https://my-app-abc123-uc.a.run.app`;
   * never taken from a request's Host header, which a client can forge. Env `DEFERRED_SERVICE_URL`.
   * @default none: required
   */
  serviceUrl?: string;
  /** The service account whose OIDC token each task carries. Env `DEFERRED_SERVICE_ACCOUNT`. @default none: required */
  serviceAccount?: string;
  /** The OIDC audience set on tasks and checked by the handler. Env `DEFERRED_AUDIENCE`. @default serviceUrl */
  audience?: string;
  /** The token emails the handler accepts. Env `DEFERRED_ALLOWED_EMAILS` (comma-separated). @default [serviceAccount] */
  allowedEmails?: readonly string[];
  /** Path of queue.yaml, from the working directory. Env `DEFERRED_QUEUE_YAML`. @default 'queue.yaml' (absent: only the `default` queue) */
  queueYaml?: string;
  /**
   * `host:port` of the local emulator: tasks go there, and the handler trusts its tokens, so it
   * is refused on Cloud Run. Env `CLOUD_TASKS_EMULATOR_HOST`. @default Google Cloud Tasks
   */
  emulatorHost?: string;
  /** What a bad configuration does at server start. Env `DEFERRED_STARTUP_CHECK`. @default 'fail' when NODE_ENV=production, else 'warn' */
  startupCheck?: 'fail' | 'warn' | 'off';
  /**
   * Tries of CreateTask on UNAVAILABLE or DEADLINE_EXCEEDED, 1 to 10. Tasks are named before the
   * first try, so a retry never duplicates one; 1 sends unnamed tasks and never retries.
   * Env `DEFERRED_ENQUEUE_ATTEMPTS`. @default 4
   */
  enqueueAttempts?: number;
  /** After SIGTERM, how long tasks in flight may finish before a retryable 503. Env `DEFERRED_SHUTDOWN_GRACE_MS`. @default 8000 */
  shutdownGraceMs?: number;
  /**
   * Load and build the Cloud Tasks client in `registerDeferred()`, and compile the messages a
   * CreateTask carries, before the server takes requests, without any network call: the first
   * `defer()` then skips the ~200-400 ms import and the compiling.
   * `false` on a service that only runs tasks saves that start-up time and memory.
   * Env `DEFERRED_PREWARM` (`on` / `off`). @default true
   */
  prewarm?: boolean;
  /**
   * `gs://BUCKET/PREFIX` where `defer()` keeps envelopes too big for a task (the task carries a
   * reference); the handler reads offloaded payloads only there. Env `DEFERRED_PAYLOAD_BUCKET`.
   * @default none: such a defer() throws PayloadTooLargeError
   */
  payloadBucket?: string;
  /** Offload envelopes past this many bytes (at most 1 MiB). Env `DEFERRED_PAYLOAD_OFFLOAD_BYTES`. @default 1048576 (what does not fit) */
  payloadOffloadBytes?: number;
  /** The biggest offloaded payload the handler reads. Env `DEFERRED_PAYLOAD_MAX_BYTES`. @default 33554432 (32 MiB) */
  payloadMaxBytes?: number;
  /** The emulator's Cloud Storage stand-in, `http://127.0.0.1:8123/storage/v1`; refused on Cloud Run. Env `STORAGE_EMULATOR_HOST`. @default Google Cloud Storage */
  storageEmulatorHost?: string;

  /**
   * The app's manifest, the one its task route serves: `defer()` then refuses a function that is
   * missing from it, at the call, rather than its task failing with 404 on every delivery. The
   * jest stub checks against its own manifest. Importing the manifest in instrumentation.ts
   * loads every deferrable function's module there too.
   * @default none: `defer()` cannot tell which functions the route serves, and does not check
   */
  manifest?: Manifest;
  /**
   * Where `defer()` and `cancelTask()` send tasks (the jest stub's `transport` is one).
   * @default Cloud Tasks through `@google-cloud/tasks` over REST, or the local emulator at `emulatorHost`
   */
  transport?: TaskTransport;
  /**
   * Called with every task lifecycle event of this server process (`task:enqueued`,
   * `task:start`, `task:success`, `task:error`, `task:dead`): tasks the task route runs and tasks
   * that route handlers and server actions enqueue. A listener that throws is logged, never
   * allowed to change a task's outcome.
   * @example onEvent: (event, payload) => metrics.increment(event)
   */
  onEvent?: TaskEventListener;
  /** Where the adapter's log entries go. @default one JSON line per entry on stdout/stderr (Cloud Logging's format) */
  logWriter?: LogWriter;
  /**
   * Where tasks that will not run again go, for task routes that set no `deadLetter` of their own.
   * @default cloudTasksDeadLetterSink(): the queue's paused dead-letter queue, else one ERROR log entry
   */
  deadLetter?: DeadLetterSink;
  /**
   * Where `defer()` finds the calling request's W3C `traceparent` when not given one, so a
   * task's logs show under the request that deferred it.
   * @default under Next.js, the incoming request's `traceparent` or `X-Cloud-Trace-Context` (next/headers)
   */
  traceProvider?: TraceProvider;
}

/** The settings that have an environment variable (every option but the manifest, the transport and the hooks), by option name. */
export type CloudTasksSetting = Exclude<
  keyof CloudTasksOptions,
  'manifest' | 'transport' | 'onEvent' | 'logWriter' | 'deadLetter' | 'traceProvider'
>;

/** The defaults of the settings that have one (graphile-worker's habit: one object, checked against the options). */
export const OPTION_DEFAULTS = {
  queueYaml: 'queue.yaml',
  enqueueAttempts: 4,
  shutdownGraceMs: 8000,
  prewarm: true,
  payloadOffloadBytes: 1024 * 1024,
  payloadMaxBytes: 32 * 1024 * 1024,
} as const satisfies CloudTasksOptions;
