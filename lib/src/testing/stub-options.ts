import { loadQueueYaml, parseQueueYaml } from '../queues/parse.js';
import type { EnqueueConfig, HandlerConfig } from '../runtime/config.js';
import { catalogFrom, queueCatalog, type QueueCatalog } from '../runtime/queue-catalog.js';
import type { Manifest } from '../runtime/registry.js';
import type { StubCron } from './cron-jobs.js';

/**
 * The settings `defer` uses while a stub is installed, so an app's tests need no environment
 * variables. The callback URL uses the reserved `.test` domain: nothing can ever answer it.
 */
export const TEST_ENQUEUE_CONFIG = {
  project: 'test-project',
  location: 'us-central1',
  serviceUrl: 'https://app.example.test',
  serviceAccountEmail: 'tasks@test-project.iam.gserviceaccount.com',
  audience: 'https://app.example.test',
} as const satisfies EnqueueConfig;

/** The handler settings that accept the tokens of TEST_ENQUEUE_CONFIG's tasks (for tests through HTTP). */
export const TEST_HANDLER_CONFIG = {
  audience: TEST_ENQUEUE_CONFIG.audience,
  allowedEmails: [TEST_ENQUEUE_CONFIG.serviceAccountEmail],
} as const satisfies HandlerConfig;

/** Where the stub's queues come from: a catalog, queue.yaml text, or a queue.yaml file. */
export type StubQueues = QueueCatalog | { yaml: string; file?: string } | { path: string };

export interface TaskQueueStubOptions {
  /** The app's deferrable functions: `runTask` and `drain` look tasks' functions up here. */
  manifest: Manifest;
  /**
   * The queues tasks may go to, with their retry configs. While the stub is installed, `defer`
   * checks queues against these too.
   * @default the project's queue.yaml (`queueCatalog()`: DEFERRED_QUEUE_YAML or ./queue.yaml)
   * @example { yaml: 'queue:\n- name: mail\n  rate: 1/s\n' }
   */
  queues?: StubQueues;
  /**
   * The cron jobs `cronJobs()`, `runCronJob()` and `cronRunsBetween()` see.
   * @default the project's cron.yaml (DEFERRED_CRON_YAML or ./cron.yaml; none when absent)
   * @example { yaml: 'cron:\n- description: daily summary\n  function: reports.daily\n  schedule: every day 09:00\n' }
   */
  cron?: StubCron;
  /** What `defer` uses instead of the environment; fields given replace TEST_ENQUEUE_CONFIG's. @default TEST_ENQUEUE_CONFIG */
  config?: Partial<EnqueueConfig>;
  /**
   * Retries as Cloud Tasks makes them: a failed task comes back after the queue's backoff until
   * the queue's limits are reached, then it is dead-lettered. `false`: every task gets one
   * attempt, and a failure is dead-lettered at once.
   * @default true
   */
  retries?: boolean;
  /**
   * Seconds a task name stays taken after its task is gone (run, deleted or flushed), on the
   * virtual clock. Cloud Tasks blocks a name for about an hour on queues made through its API.
   * @default 3600
   */
  nameReuseSeconds?: number;
  /** `drain()` stops with an error after this many runs (a task that keeps deferring itself). @default 1000 */
  maxDrainRuns?: number;
}

export const STUB_DEFAULTS = {
  retries: true,
  nameReuseSeconds: 3600,
  maxDrainRuns: 1000,
} satisfies Partial<TaskQueueStubOptions>;

export function resolveQueues(queues: StubQueues | undefined): QueueCatalog {
  if (queues === undefined) return queueCatalog();
  if ('yaml' in queues) return catalogFrom(parseQueueYaml(queues.yaml, queues.file ?? 'queue.yaml (test)'));
  if ('path' in queues) return catalogFrom(loadQueueYaml(queues.path));
  return queues;
}
