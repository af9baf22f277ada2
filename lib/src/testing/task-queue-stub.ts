import type { CloudTasksQueueSettings } from '../contract/queue-settings.js';
import { resolveSettings, type PayloadStorageConfig } from '../runtime/config.js';
import type { CloudTasksOptions } from '../runtime/options.js';
import { TaskAlreadyExistsError, UnknownQueueError } from '../contract/errors.js';
import type { TaskResult } from '../handle/execute-task.js';
import type { QueueCatalog } from '../runtime/queue-catalog.js';
import { queuePath } from '../contract/names.js';
import { type CreateTaskOutcome, type CreateTaskRequest, type CreatedTask, type TaskTransport } from '../contract/transport.js';
import { BATCH_LIMITS } from '../contract/limits.js';
import { CloudTasksError } from '../contract/errors.js';
import { RPC_CODE } from '../contract/google-errors.js';
import { install, uninstall } from './install.js';
import { deliverTask, type DeadLetteredTask } from './run-attempt.js';
import { resolveQueues, STUB_DEFAULTS, TEST_OPTIONS, type TaskQueueStubOptions } from './stub-options.js';
import {
  byEta,
  DEFAULT_DISPATCH_DEADLINE_SECONDS,
  matchesFilter,
  snapshot,
  enqueuedAtOf,
  type StubTask,
  type TaskFilter,
  type StubTaskRecord,
} from './stub-task.js';
import { createVirtualClock, type VirtualClock } from './virtual-clock.js';
import { MemoryPayloadStore } from './memory-payload-store.js';
import type { CronFile } from '../cron/types.js';
import {
  cronFiringsBetween,
  resolveCron,
  runCronJobOnce,
  toStubCronJob,
  type CronFiring,
  type CronJobRunResult,
  type StubCronJob,
} from './cron-jobs.js';

/** One delivery made by `runTask` or `drain`: the handler's result, and what became of the task. */
export interface TaskRunResult extends TaskResult {
  /** The task after this delivery (its counts include it). */
  task: StubTask;
  /**
   * `kept`: runTask leaves tasks in place; `deleted`: 2xx, or a failure on the last attempt;
   * `retry-scheduled`: failed, due again at `task.eta` (the queue's backoff later).
   */
  disposition: 'kept' | 'deleted' | 'retry-scheduled';
}

export interface RunTaskOptions {
  /**
   * Reject with the error the function threw (or the handler's, for an unknown function or an
   * undecodable payload) instead of resolving with a non-2xx `status`. @default false
   */
  throwOnError?: boolean;
}

/** A batch Cloud Tasks would refuse as a whole: too many items, or items of more than one queue. */
function checkBatch(queues: readonly string[], max: number, field: string): void {
  if (queues.length > max)
    throw new CloudTasksError(RPC_CODE.INVALID_ARGUMENT, `${field} must contain at most ${max} items, got ${queues.length}`);
  if (new Set(queues).size > 1)
    throw new CloudTasksError(RPC_CODE.INVALID_ARGUMENT, `a batch is one queue's; ${field} names ${[...new Set(queues)].join(', ')}`);
}

/** Cloud Tasks' generated task ids are 19 digits; these count up, so a test's names are repeatable. */
const GENERATED_ID_BASE = 1_000_000_000_000_000_000n;

/**
 * An in-memory Cloud Tasks for jest, with App Engine's taskqueue_stub habits: nothing runs
 * behind the test's back. `defer` adds tasks (once `install()`ed); the test lists them, runs
 * them through the handler's own pipeline, and moves the virtual clock to make later tasks due.
 *
 * Time: the clock starts at the real time of `install()` and stands still until moved.
 * `defer` computes schedules from the real `Date.now()`, so the stub keeps a schedule's distance
 * from the moment `defer` was called, on its own clock: `countdown: 60` is due 60 virtual
 * seconds after the clock's time at that `defer`, however far the clock has been moved.
 */
export class TaskQueueStub {
  /** The options in effect while installed: TEST_OPTIONS, the stub's manifest, and its `config`. */
  readonly options: CloudTasksOptions;
  private readonly payloadStorage: PayloadStorageConfig | undefined;
  private readonly resettableClock = createVirtualClock();
  private readonly settings: Required<Pick<TaskQueueStubOptions, 'manifest' | 'retries' | 'nameReuseSeconds' | 'maxDrainRuns'>>;
  private catalogCache: QueueCatalog | undefined;
  private cronCache: CronFile | undefined;
  private readonly tasks = new Map<string, StubTaskRecord>();
  private readonly tombstones = new Map<string, number>();
  private deadLetters: DeadLetteredTask[] = [];
  private seq = 0;
  /** Offloaded payloads (with `config.payloadBucket`): what `defer` writes there, and `runTask` reads. */
  readonly payloads = new MemoryPayloadStore();
  private readonly peek = (bucket: string, object: string) => this.payloads.peek(bucket, object);

  constructor(private readonly stubOptions: TaskQueueStubOptions) {
    if (!stubOptions?.manifest)
      throw new TypeError('createTaskQueueStub() needs { manifest }: the manifest of deferrable functions that your task route serves');
    // defer() refuses, while installed, a function that this manifest does not list (as with registerDeferred's).
    this.options = { ...TEST_OPTIONS, manifest: stubOptions.manifest, ...stubOptions.config };
    // A config that defer() could not use fails here, naming each option, not at the first defer().
    const { enqueue } = resolveSettings(this.options, {});
    if (enqueue instanceof Error) throw enqueue;
    this.payloadStorage = enqueue.payloadStorage;
    this.settings = {
      manifest: stubOptions.manifest,
      retries: stubOptions.retries ?? STUB_DEFAULTS.retries,
      nameReuseSeconds: stubOptions.nameReuseSeconds ?? STUB_DEFAULTS.nameReuseSeconds,
      maxDrainRuns: stubOptions.maxDrainRuns ?? STUB_DEFAULTS.maxDrainRuns,
    };
  }

  /** The stub's virtual clock: tests move it; only `install()` resets it. */
  get clock(): VirtualClock {
    return this.resettableClock;
  }

  /** The stub's queues (loaded on first use). */
  get catalog(): QueueCatalog {
    return (this.catalogCache ??= resolveQueues(this.stubOptions.queues));
  }

  /** The stub's cron.yaml (loaded on first use). */
  get cron(): CronFile {
    return (this.cronCache ??= resolveCron(this.stubOptions.cron));
  }

  /** cron.yaml's jobs, in file order, with their schedules translated to unix-cron. */
  cronJobs(): StubCronJob[] {
    return this.cron.jobs.map(toStubCronJob);
  }

  /**
   * Runs a `function:` cron job now (by description, `'daily summary'`, or id) through the
   * handler's pipeline, as Cloud Scheduler's run would: the task context has `cronJob`, the
   * status follows the task contract. Its schedule time is the clock's time.
   */
  async runCronJob(name: string): Promise<CronJobRunResult> {
    const at = this.clock.now();
    return runCronJobOnce(this.cron, name, {
      manifest: this.settings.manifest,
      scheduleTime: at,
      onDeadLetter: (entry) => this.deadLetters.push({ ...entry, name: `cron/${name}`, at }),
    });
  }

  /** Which jobs fire in (from, to], earliest first. @default from the clock's time */
  cronRunsBetween(from: Date, to: Date): CronFiring[];
  cronRunsBetween(to: Date): CronFiring[];
  cronRunsBetween(fromOrTo: Date, to?: Date): CronFiring[] {
    return to === undefined ? cronFiringsBetween(this.cron, this.clock.now(), fromOrTo) : cronFiringsBetween(this.cron, fromOrTo, to);
  }

  /**
   * What `defer`, `deferMany`, `cancelTask` and `cancelMany` use once installed: create adds a
   * task, delete removes a queued one; the batches do the same per item, with Cloud Tasks' limits.
   */
  readonly transport: TaskTransport = {
    createTask: (request) => this.createTask(request),
    deleteTask: async (name) => this.cancel(name),
    createTasks: async (requests) => {
      checkBatch(
        requests.map((request) => queuePath(request)),
        BATCH_LIMITS.createTasks,
        'BatchCreateTasksRequest.requests',
      );
      const outcomes: CreateTaskOutcome[] = [];
      for (const request of requests) outcomes.push(await this.createTask(request).catch((error: Error) => ({ error })));
      return outcomes;
    },
    deleteTasks: async (names) => {
      checkBatch(
        names.map((name) => name.slice(0, name.lastIndexOf('/tasks/'))),
        BATCH_LIMITS.deleteNames,
        'BatchDeleteTasksRequest.names',
      );
      return names.map((name) => ({ deleted: this.cancel(name) }));
    },
  };

  /** Removes a queued task: false when there is none (it ran, or was deleted or flushed: Cloud Tasks' NOT_FOUND). */
  private cancel(name: string): boolean {
    const record = this.tasks.get(name);
    if (!record) return false;
    this.remove(record);
    return true;
  }

  /** Makes `defer` use this stub with its options, empty, with the clock at the real time. */
  install(): void {
    void this.catalog; // an invalid queue.yaml fails here, before anything is changed
    this.clear();
    this.resettableClock.reset(new Date());
    install(this);
  }

  /** Gives `defer` back what it used before `install()`. */
  uninstall(): void {
    uninstall(this);
  }

  /** The TaskTransport side: what `defer` (and the msw Cloud Tasks handlers) call. */
  async createTask(request: CreateTaskRequest): Promise<CreatedTask> {
    this.queueOrThrow(request.queue);
    const nowMs = this.clock.now().getTime();
    const seq = ++this.seq;
    const id = request.taskId ?? String(GENERATED_ID_BASE + BigInt(seq));
    const name = `${queuePath(request)}/tasks/${id}`;
    if (this.tasks.has(name) || this.isRecentlyEnded(name, nowMs)) throw new TaskAlreadyExistsError(name);
    this.tombstones.delete(name);
    this.tasks.set(name, {
      seq,
      name,
      id,
      queueName: request.queue,
      url: request.url,
      headers: { ...request.headers },
      body: request.body.slice(),
      oidcToken: request.oidcToken && { ...request.oidcToken },
      dispatchDeadlineSeconds: request.dispatchDeadlineSeconds ?? DEFAULT_DISPATCH_DEADLINE_SECONDS,
      createdAtMs: nowMs,
      etaMs: this.etaOnClock(request, nowMs),
      retryCount: 0,
      executionCount: 0,
      ...(request.retry ? { retry: { ...request.retry } } : {}),
    });
    return { name };
  }

  /** App Engine's `get_filtered_tasks`: the matching tasks, earliest ETA first. */
  getFilteredTasks(filter: TaskFilter = {}): StubTask[] {
    return this.records(filter).map((record) => snapshot(record, this.peek));
  }

  /**
   * Delivers one task now, due or not, through the handler's pipeline, and leaves it in place
   * (App Engine's `deferred.run`). Its counts and `lastAttempt` record the delivery; a failure
   * on its last attempt is dead-lettered. By default never throws for the function's errors:
   * read `status`. With `{ throwOnError: true }` it rejects with what the function threw (the
   * error itself, PermanentTaskFailure included), as App Engine's `deferred.run(payload)` raised
   * it, after the delivery is recorded as without the option.
   */
  async runTask(task: StubTask | string, options: RunTaskOptions = {}): Promise<TaskRunResult> {
    const run = await this.deliver(this.recordOf(task), false);
    if (options.throwOnError && run.error !== undefined) throw run.error;
    return run;
  }

  /**
   * Runs what is due (and what those tasks defer without a delay), earliest first, one at a
   * time, as Cloud Tasks would: a success is removed, a failure retried after the queue's
   * backoff (not due until the clock moves) or, past the queue's limits, dead-lettered and
   * removed. Tasks of paused queues (`rate: 0`) wait. Returns every delivery made.
   */
  async drain(filter: TaskFilter = {}): Promise<TaskRunResult[]> {
    const runs: TaskRunResult[] = [];
    for (;;) {
      const nowMs = this.clock.now().getTime();
      const next = this.records(filter).find((r) => r.etaMs <= nowMs && this.catalog.get(r.queueName)?.state !== 'PAUSED');
      if (!next) return runs;
      if (runs.length >= this.settings.maxDrainRuns) {
        throw new Error(
          `drain() stopped after ${runs.length} deliveries (maxDrainRuns): does a task defer itself without a countdown, or does a queue have a 0 s backoff?`,
        );
      }
      runs.push(await this.deliver(next, true));
    }
  }

  /** App Engine's FlushQueue: removes every task of the queue (their names stay taken); returns how many. */
  flushQueue(queueName: string): number {
    this.queueOrThrow(queueName);
    const doomed = this.records({ queueNames: queueName });
    for (const record of doomed) this.remove(record);
    return doomed.length;
  }

  /**
   * Whether a task of this full name ended (ran, was deleted or purged) less than
   * `nameReuseSeconds` ago: its name is still taken, and Cloud Tasks says so when asked for it.
   */
  isRecentlyEnded(name: string, nowMs = this.clock.now().getTime()): boolean {
    const removedAt = this.tombstones.get(name);
    return removedAt !== undefined && nowMs - removedAt < this.settings.nameReuseSeconds * 1000;
  }

  /** Removes one task (its name stays taken for `nameReuseSeconds`, as in Cloud Tasks). */
  deleteTask(task: StubTask | string): void {
    this.remove(this.recordOf(task));
  }

  /** Forgets everything: tasks, taken names, dead letters. The clock stays where it is. */
  clear(): void {
    this.tasks.clear();
    this.tombstones.clear();
    this.deadLetters = [];
    this.seq = 0;
    this.payloads.clear();
  }

  /** Tasks dead-lettered so far (what the handler's dead-letter sink received), oldest first. */
  deadLetteredTasks(): DeadLetteredTask[] {
    return this.deadLetters.map((entry) => ({ ...entry, at: new Date(entry.at) }));
  }

  private records(filter: TaskFilter): StubTaskRecord[] {
    return [...this.tasks.values()].filter((record) => matchesFilter(record, filter)).sort(byEta);
  }

  private queueOrThrow(queueName: string): CloudTasksQueueSettings {
    const queue = this.catalog.get(queueName);
    if (!queue) throw new UnknownQueueError(queueName, [...this.catalog.names], this.catalog.file);
    return queue;
  }

  /** A schedule keeps its distance from the real time `defer` read (the envelope's), on the virtual clock. */
  private etaOnClock(request: CreateTaskRequest, nowMs: number): number {
    if (!request.scheduleTime) return nowMs;
    const deferredAt = enqueuedAtOf(request.body) ?? Date.now();
    return nowMs + (request.scheduleTime.getTime() - deferredAt);
  }

  private recordOf(task: StubTask | string): StubTaskRecord {
    const name = typeof task === 'string' ? task : task?.name;
    const record = typeof name === 'string' ? (this.tasks.get(name) ?? [...this.tasks.values()].find((r) => r.id === name)) : undefined;
    if (!record) {
      throw new Error(
        `task ${String(name)} is not in the stub (it ran, or was deleted or flushed); list the current tasks with getFilteredTasks()`,
      );
    }
    return record;
  }

  private remove(record: StubTaskRecord): void {
    if (this.tasks.get(record.name) !== record) return;
    this.tasks.delete(record.name);
    this.tombstones.set(record.name, this.clock.now().getTime());
  }

  private async deliver(record: StubTaskRecord, asCloudTasks: boolean): Promise<TaskRunResult> {
    const nowMs = this.clock.now().getTime();
    const { result, final, retryAtMs } = await deliverTask(record, {
      manifest: this.settings.manifest,
      queue: this.queueOrThrow(record.queueName),
      nowMs,
      retries: this.settings.retries,
      onDeadLetter: (entry) => this.deadLetters.push(entry),
      payloadStorage: this.payloadStorage,
    });
    let disposition: TaskRunResult['disposition'] = 'kept';
    if (asCloudTasks && this.tasks.get(record.name) === record) {
      const succeeded = result.status >= 200 && result.status < 300;
      if (succeeded || final) {
        this.remove(record);
        disposition = 'deleted';
      } else {
        record.etaMs = retryAtMs;
        disposition = 'retry-scheduled';
      }
    }
    return { ...result, task: snapshot(record, this.peek), disposition };
  }
}

export function createTaskQueueStub(options: TaskQueueStubOptions): TaskQueueStub {
  return new TaskQueueStub(options);
}
