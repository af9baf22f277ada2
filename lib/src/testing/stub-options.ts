import { loadQueueYaml, parseQueueYaml } from '../queues/parse.js';
import type { CloudTasksOptions } from '../runtime/options.js';
import { catalogFrom, queueCatalog, type QueueCatalog } from '../runtime/queue-catalog.js';
import type { Manifest } from '../runtime/registry.js';
import type { StubCron } from './cron-jobs.js';

/**
 * The settings `defer()` and the handler use while a stub is installed, so an app's tests need
 * no environment variables; as a route's `config`, they accept the tokens of the stub's tasks.
 * The callback URL uses the reserved `.test` domain: nothing can ever answer it.
 */
export const TEST_OPTIONS = {
  project: 'test-project',
  location: 'us-central1',
  serviceUrl: 'https://app.example.test',
  serviceAccount: 'tasks@test-project.iam.gserviceaccount.com',
  audience: 'https://app.example.test',
  allowedEmails: ['tasks@test-project.iam.gserviceaccount.com'],
} as const satisfies CloudTasksOptions;

/** Where the stub's queues come from: a catalog, queue.yaml text, or a queue.yaml file. */
export type StubQueues = QueueCatalog | { yaml: string; file?: string } | { path: string };

export interface TaskQueueStubOptions {
  /**
   * The app's deferrable functions: `runTask` and `drain` look tasks' functions up here, and
   * while the stub is installed `defer` refuses a function it does not list (UnknownFunctionError).
   */
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
  /**
   * The options in effect while the stub is installed, over TEST_OPTIONS: settings (the
   * environment and the app's settings are not read, so a test does not depend on its shell)
   * and hooks (`logWriter`, `onEvent`, ...).
   * @default TEST_OPTIONS
   * @example { payloadBucket: 'gs://test-payloads/deferred', logWriter: (entry) => logs.push(entry) }
   */
  config?: CloudTasksOptions;
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
