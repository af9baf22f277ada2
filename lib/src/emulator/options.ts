/**
 * Every setting of the emulator, documented once, with its defaults in one object.
 * The CLI (`next-cloud-tasks emulator` and `dev`) and tests all start it through
 * `startEmulator(options)`, so a default changes here and nowhere else.
 */
import { DISPATCH_DEADLINE_SECONDS, MAX_SCHEDULE_AHEAD_MS, MAX_TASK_BYTES } from '../contract/limits.js';
import { DELETED_QUEUE_NAME_BLOCK_SECONDS } from '../contract/cloud-tasks-behaviour.js';
import { APP_ENGINE_LIMITS } from '../queues/defaults.js';

/** Cloud Tasks' own limits. Tests may loosen one (a 1 s dispatch deadline) to stay fast. */
export interface CloudTasksLimits {
  /** A task's scheduleTime may be at most this far ahead. @default 30 days */
  maxScheduleAheadSeconds: number;
  /** @default 15 */
  minDispatchDeadlineSeconds: number;
  /** @default 1800 (30 min) */
  maxDispatchDeadlineSeconds: number;
  /** Dispatch deadline of a task that sets none. @default 600 (10 min) */
  defaultDispatchDeadlineSeconds: number;
  /**
   * Size of the stored task (contract/cloud-tasks-behaviour.ts storedTaskBytes: name, URL,
   * stored headers with the added User-Agent, body). Google's quotas page says 1 MiB, the API reference
   * says 100 KB: the emulator enforces the hard 1 MiB. @default 1048576
   */
  maxTaskBytes: number;
  /** Total size of a task's headers. @default 80 KiB */
  maxHeaderBytes: number;
  /** @default 500 (per queue) */
  maxDispatchesPerSecond: number;
  /** @default 5000 */
  maxConcurrentDispatches: number;
  /**
   * How long a task's name stays taken after the task ends (deleted, succeeded, dead-lettered,
   * purged). Cloud Tasks keeps it ~1 h for queues made with the API. @default 3600
   */
  tombstoneSeconds: number;
  /**
   * How long a deleted queue's name stays taken: CreateQueue answers FAILED_PRECONDITION ("The
   * queue cannot be created because a queue with this name existed too recently.") meanwhile, as
   * Cloud Tasks does for about 7 days. 0 frees it at once (the CLI's --reuse-deleted-queue-names),
   * for test set-ups that delete and re-create a fixed queue. @default 604800 (7 days)
   */
  deletedQueueNameSeconds: number;
}

export interface EmulatorOptions {
  /** Port to listen on; 0 picks a free one (tests). @default 8123 */
  port: number;
  /**
   * gRPC (the default transport of Google's clients) is served on `port`, beside REST: each
   * connection's first bytes tell them apart. A number also serves it on a port of its own (0: a
   * free one); `false` serves REST only (and skips loading the protos, ~100 ms).
   * @default undefined (gRPC on `port` only)
   */
  grpcPort?: number | false;
  /**
   * Interface to bind. The emulator has no authentication: its dashboard deletes and replays
   * tasks, so anything but loopback exposes that to the network. @default '127.0.0.1'
   */
  host: string;
  /**
   * SQLite file holding queues, tasks, dead letters and the signing key, or ':memory:'.
   * @default '.cloud-tasks-emulator/state.sqlite' (gitignored), relative to the working directory
   */
  data: string;
  /** App Engine queue.yaml loaded at start (its queues are created or updated). @default undefined (none) */
  queueYaml?: string;
  /** App Engine cron.yaml whose jobs run on schedule against the app. @default undefined (none) */
  cronYaml?: string;
  /** The app's base URL the cron jobs call (its DEFERRED_SERVICE_URL). @default 'http://127.0.0.1:3000' */
  appUrl: string;
  /** Whose OIDC token the cron runs carry; the app must allow it. @default deferred-tasks@<project>.iam.gserviceaccount.com */
  cronServiceAccount?: string;
  /** The cron tokens' audience (the app's DEFERRED_AUDIENCE). @default appUrl */
  cronAudience?: string;
  /** The cron scheduler's clock, for tests that need a minute boundary soon. @default Date.now */
  cronClock?: () => number;
  /** Project of the queues in queue.yaml (the app's GOOGLE_CLOUD_PROJECT). @default 'dev-project' */
  project: string;
  /** Location of the queues in queue.yaml (the app's CLOUD_TASKS_LOCATION). @default 'us-central1' */
  location: string;
  /**
   * 'ignore' dispatches as fast as targets answer, whatever a queue's rate (benchmarks only;
   * max concurrent dispatches still holds). @default 'enforce'
   */
  rateLimits: 'enforce' | 'ignore';
  /** Cloud Tasks' limits; override one only to make a test fast. */
  limits: Partial<CloudTasksLimits>;
  /**
   * Hosts (names or IP addresses, no port) the emulator may send tasks to besides loopback: the
   * app's host when it runs in a container (`host.docker.internal`, a compose service name). A
   * task for any other host is refused at CreateTask. Link-local and cloud metadata addresses
   * (169.254.0.0/16, fe80::/10, metadata.google.internal, fd00:ec2::254) are refused even here.
   * The CLI's `--allow-target-host` and CLOUD_TASKS_EMULATOR_ALLOWED_HOSTS fill it.
   * @default [] (loopback only)
   */
  allowedTargetHosts: string[];
  /** Where the emulator writes a line per task outcome; `undefined` = silent. @default undefined */
  log?: (line: string) => void;
}

// Annotated, not `satisfies`: the constants below are literal types, the limits are numbers.
export const DEFAULT_LIMITS: CloudTasksLimits = {
  maxScheduleAheadSeconds: MAX_SCHEDULE_AHEAD_MS / 1000,
  minDispatchDeadlineSeconds: DISPATCH_DEADLINE_SECONDS.min,
  maxDispatchDeadlineSeconds: DISPATCH_DEADLINE_SECONDS.max,
  defaultDispatchDeadlineSeconds: DISPATCH_DEADLINE_SECONDS.default,
  maxTaskBytes: MAX_TASK_BYTES,
  maxHeaderBytes: 80 * 1024,
  maxDispatchesPerSecond: APP_ENGINE_LIMITS.maxRatePerSecond,
  maxConcurrentDispatches: APP_ENGINE_LIMITS.maxConcurrentRequests,
  tombstoneSeconds: 3600,
  deletedQueueNameSeconds: DELETED_QUEUE_NAME_BLOCK_SECONDS,
};

export const DEFAULT_OPTIONS = {
  port: 8123,
  host: '127.0.0.1',
  data: '.cloud-tasks-emulator/state.sqlite',
  queueYaml: undefined,
  cronYaml: undefined,
  appUrl: 'http://127.0.0.1:3000',
  project: 'dev-project',
  location: 'us-central1',
  rateLimits: 'enforce',
  limits: {},
  allowedTargetHosts: [],
  log: undefined,
} satisfies EmulatorOptions;

export interface ResolvedOptions extends Omit<EmulatorOptions, 'limits'> {
  limits: CloudTasksLimits;
}

export function resolveOptions(options: Partial<EmulatorOptions> = {}): ResolvedOptions {
  const defined = Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
  const merged = { ...DEFAULT_OPTIONS, ...defined } as EmulatorOptions;
  return { ...merged, limits: { ...DEFAULT_LIMITS, ...merged.limits } };
}
