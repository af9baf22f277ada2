/**
 * Runs the queues: per queue a token bucket and a count of attempts in flight decide how many
 * due tasks to claim; each claimed task gets one HTTP attempt, and its outcome decides between
 * done (deleted, name tombstoned), retry (Cloud Tasks' backoff, lib/queues' policy) and dead
 * letter. The store is written before each step is acted on, so a crash replays, never loses.
 */
import { EventEmitter } from 'node:events';
import { countsAsExecution } from '../contract/cloud-tasks-behaviour.js';
import { parseTaskName } from '../contract/names.js';
import { DEAD_LETTERED } from '../contract/outcomes.js';
import { redirectHint } from '../contract/redirect-hint.js';
import { backoffSeconds, shouldRetry } from '../contract/retry-policy.js';
import { applyQueueHttpTarget } from './queue-http-target.js';
import { effectiveRetryConfig } from './retry-config.js';
import {
  buildHeaders,
  closeAttemptTransport,
  createAttemptTransport,
  failedAttempt,
  sendAttempt,
  type AttemptHandle,
  type AttemptResult,
  type AttemptTransport,
} from './attempt.js';
import { rpcCodeForHttpStatus } from './http-status.js';
import type { QueueRecord, TaskRecord } from './model.js';
import type { OidcSigner } from './oidc-signer.js';
import type { ResolvedOptions } from './options.js';
import type { StoredTask, Store } from './store.js';
import { TargetPolicy } from './target-policy.js';
import type { DispatchControl } from './tasks-service.js';
import { TokenBucket } from './token-bucket.js';

type ParsedTaskName = NonNullable<ReturnType<typeof parseTaskName>>;

/** The lifecycle of a task, as the handler and the jest stub also report it. */
export interface DispatcherEvents {
  'task:start': [{ task: TaskRecord; attempt: number }];
  'task:success': [{ task: TaskRecord; status: number; durationMs: number }];
  'task:error': [{ task: TaskRecord; result: AttemptResult; retryAtMs: number }];
  'task:dead': [{ task: TaskRecord; reason: string }];
}

/** setTimeout's ceiling; a later wake-up just looks again. */
const MAX_SLEEP_MS = 2 ** 31 - 1;
/** After an unexpected error while looking at a queue (its store rows, say), look again this much later. */
const PUMP_ERROR_RETRY_MS = 1000;

interface QueueRuntime {
  bucket: TokenBucket;
  inFlight: Set<string>;
  timer?: NodeJS.Timeout;
}

export class Dispatcher extends EventEmitter<DispatcherEvents> implements DispatchControl {
  private readonly runtimes = new Map<string, QueueRuntime>();
  private readonly attempts = new Map<string, AttemptHandle>();
  private readonly pending = new Set<string>();
  private readonly transport: AttemptTransport;
  private stopped = false;

  constructor(
    private readonly store: Store,
    private readonly signer: OidcSigner,
    private readonly options: Pick<ResolvedOptions, 'rateLimits' | 'limits' | 'log'>,
    private readonly now: () => number = Date.now,
    targets: TargetPolicy = new TargetPolicy(),
  ) {
    super();
    this.transport = createAttemptTransport(targets, options.limits.maxConcurrentDispatches);
  }

  /** Re-queues attempts a crash interrupted, then looks at every queue. */
  start(): void {
    const recovered = this.store.recoverRunning();
    if (recovered > 0) this.options.log?.(`re-dispatching ${recovered} task(s) whose attempt was cut short by the last stop`);
    for (const queue of this.store.listQueues()) this.wake(queue.name);
  }

  /** Stops dispatching; attempts in flight are cut and their tasks stay due (see Store.recoverRunning). */
  stop(): void {
    this.stopped = true;
    for (const runtime of this.runtimes.values()) clearTimeout(runtime.timer);
    for (const attempt of this.attempts.values()) attempt.abort();
    closeAttemptTransport(this.transport);
  }

  isRunning(taskName: string): boolean {
    return this.attempts.has(taskName);
  }

  wake(queueName: string): void {
    if (this.stopped || this.pending.has(queueName)) return;
    // Coalesce: many createTask calls in one tick cost one look at the queue.
    this.pending.add(queueName);
    setImmediate(() => {
      this.pending.delete(queueName);
      this.pumpSafely(queueName);
    });
  }

  /**
   * The dispatcher runs on timers: an error thrown here would be an uncaught exception, and the
   * process would exit. Whatever goes wrong looking at one queue is logged, and the queue is
   * looked at again a little later; other queues go on.
   */
  private pumpSafely(queueName: string): void {
    try {
      this.pump(queueName);
    } catch (error) {
      const detail = (error as Error)?.stack ?? String(error);
      this.options.log?.(`error while dispatching queue ${queueName} (will look again in ${PUMP_ERROR_RETRY_MS} ms): ${detail}`);
      const runtime = this.runtimes.get(queueName);
      const timer = setTimeout(() => this.pumpSafely(queueName), PUMP_ERROR_RETRY_MS);
      if (runtime) {
        clearTimeout(runtime.timer);
        runtime.timer = timer;
      } else timer.unref();
    }
  }

  /** Emits to listeners without letting one that throws break the dispatch that emitted. */
  private notify<K extends keyof DispatcherEvents>(event: K, ...args: DispatcherEvents[K]): void {
    try {
      this.emit(event, ...(args as never));
    } catch (error) {
      this.options.log?.(`a ${event} listener threw: ${(error as Error)?.message ?? error}`);
    }
  }

  runNow(task: StoredTask): StoredTask | undefined {
    const queue = this.store.getQueue(task.queue);
    if (!queue) return undefined;
    // startAttempt writes it (state included) before the request goes out.
    return this.startAttempt(queue, this.runtime(queue), { ...task, state: 'running' });
  }

  private runtime(queue: QueueRecord): QueueRuntime {
    let runtime = this.runtimes.get(queue.name);
    const { maxDispatchesPerSecond: rate, maxBurstSize: burst } = queue.rateLimits;
    if (!runtime) {
      runtime = { bucket: new TokenBucket(rate, burst, this.now()), inFlight: new Set() };
      this.runtimes.set(queue.name, runtime);
    } else {
      runtime.bucket.configure(rate, burst, this.now());
    }
    return runtime;
  }

  private pump(queueName: string): void {
    if (this.stopped) return;
    const queue = this.store.getQueue(queueName);
    const existing = this.runtimes.get(queueName);
    if (existing) clearTimeout(existing.timer);
    if (!queue) {
      if (existing && existing.inFlight.size === 0) this.runtimes.delete(queueName);
      return;
    }
    const runtime = this.runtime(queue);
    if (queue.state !== 'RUNNING') return; // paused: tasks wait; resume wakes the queue
    const nowMs = this.now();
    const capacity = queue.rateLimits.maxConcurrentDispatches - runtime.inFlight.size;
    if (capacity <= 0) return; // a finishing attempt wakes the queue
    const unlimited = this.options.rateLimits === 'ignore';
    const wanted = Math.min(capacity, unlimited ? capacity : runtime.bucket.available(nowMs));
    const claimed = this.store.claimDueTasks(queueName, nowMs, wanted);
    if (!unlimited) runtime.bucket.take(claimed.length, nowMs);
    for (const task of claimed) {
      try {
        this.startAttempt(queue, runtime, task);
      } catch (error) {
        // Only the store can throw here; the task stays 'running', so the next start re-queues it.
        this.options.log?.(`could not start an attempt of ${task.name}: ${(error as Error)?.message ?? error}`);
      }
    }
    this.sleep(queue, runtime, nowMs, claimed.length === wanted);
  }

  /** Sets the queue's next look: when a token comes back (more may be due) or the next task is due. */
  private sleep(queue: QueueRecord, runtime: QueueRuntime, nowMs: number, moreMayBeDue: boolean): void {
    if (runtime.inFlight.size >= queue.rateLimits.maxConcurrentDispatches) return;
    const unlimited = this.options.rateLimits === 'ignore';
    const tokenMs = unlimited ? 0 : runtime.bucket.msUntilToken(nowMs);
    let delay: number;
    if (moreMayBeDue) delay = Math.max(tokenMs, 1);
    else {
      const next = this.store.nextScheduleMs(queue.name);
      if (next === undefined) return; // nothing queued: createTask wakes the queue
      delay = Math.max(next - nowMs, tokenMs, 1);
    }
    runtime.timer = setTimeout(() => this.pumpSafely(queue.name), Math.min(delay, MAX_SLEEP_MS));
  }

  /** Returns the task as written: running, its attempt counted. `queue` is the task's, read this tick. */
  private startAttempt<T extends TaskRecord>(queue: QueueRecord, runtime: QueueRuntime, claimed: T): T {
    const nowMs = this.now();
    const previous = { status: claimed.lastAttempt?.httpStatus, reason: claimed.retryReason };
    const attemptRecord = { scheduleTimeMs: claimed.scheduleTimeMs, dispatchTimeMs: nowMs };
    const task: T = {
      ...claimed,
      dispatchCount: claimed.dispatchCount + 1,
      firstAttempt: claimed.firstAttempt ?? attemptRecord,
      lastAttempt: attemptRecord,
    };
    // Written before the request goes out: a crash now still counts this attempt.
    this.store.updateTask(task);
    const handle = this.send(task, previous, queue.httpTarget);
    runtime.inFlight.add(task.name);
    this.attempts.set(task.name, handle);
    this.notify('task:start', { task, attempt: task.dispatchCount });
    void handle.done
      // sendAttempt's promise does not reject; if it ever did, that is this attempt's failure too.
      .catch((error: unknown): AttemptResult => {
        return { reason: 'REQUEST_ERROR', detail: `the attempt failed unexpectedly: ${(error as Error)?.message ?? error}` };
      })
      .then((result) => {
        runtime.inFlight.delete(task.name);
        this.attempts.delete(task.name);
        if (this.stopped) return;
        try {
          this.finishAttempt(task, result);
        } catch (error) {
          this.options.log?.(`could not record the attempt of ${task.name}: ${(error as Error)?.message ?? error}`);
        }
        this.wake(task.queue);
      });
    return task;
  }

  /**
   * The attempt's request, or an attempt that failed at once: a task stored with a header Node
   * refuses, or a signing error, is that task's failure (retried per its queue), never a crash.
   */
  private send(task: TaskRecord, previous: { status?: number; reason?: string }, httpTarget: QueueRecord['httpTarget']): AttemptHandle {
    try {
      const body = task.body ? Buffer.from(task.body, 'base64') : undefined;
      // The queue's routing (httpTarget), applied at each delivery: a queue update reaches waiting tasks too.
      const routed = applyQueueHttpTarget(task, httpTarget);
      const headers = buildHeaders(routed, previous, this.signer, body);
      return sendAttempt(routed, headers, body, this.transport);
    } catch (error) {
      const { code, message } = error as NodeJS.ErrnoException;
      return failedAttempt('REQUEST_ERROR', `the request could not be built${code ? ` (${code})` : ''}: ${message ?? String(error)}`);
    }
  }

  private finishAttempt(sent: TaskRecord, result: AttemptResult): void {
    const current = this.store.getTask(sent.name);
    // Deleted, purged or replayed while the attempt ran: its result belongs to no task now.
    if (!current || current.state !== 'running' || current.dispatchCount !== sent.dispatchCount) return;
    const nowMs = this.now();
    const answered = result.status !== undefined;
    const task: TaskRecord = {
      ...current,
      responseCount: current.responseCount + (answered ? 1 : 0),
      executionCount: current.executionCount + (countsAsExecution(result) ? 1 : 0),
      lastAttempt: {
        ...current.lastAttempt!,
        responseTimeMs: nowMs,
        httpStatus: result.status,
        responseStatus: { code: rpcCodeForHttpStatus(result.status), message: answered ? `HTTP ${result.status}` : result.detail },
      },
    };
    const durationMs = nowMs - task.lastAttempt!.dispatchTimeMs;
    if (answered && result.status! >= 200 && result.status! < 300) {
      // The app's handler says "2xx, but it went to the dead-letter sink" (contract/outcomes.ts).
      if (result.outcome === DEAD_LETTERED) {
        const why = `the app answered ${result.status} with ${result.outcome}: ${result.detail}`.trim();
        const kept = this.keptCopy(result.keptAs);
        this.deadLetter(kept ? task : { ...task, lastError: result.detail }, why, nowMs, kept);
        return;
      }
      this.store.deleteTask(task.name, nowMs + this.options.limits.tombstoneSeconds * 1000);
      this.options.log?.(`ok ${task.name} attempt ${task.dispatchCount}: HTTP ${result.status} in ${durationMs} ms`);
      this.notify('task:success', { task, status: result.status!, durationMs });
      return;
    }
    this.retryOrDeadLetter(task, result, nowMs);
  }

  private retryOrDeadLetter(task: TaskRecord, result: AttemptResult, nowMs: number): void {
    const queue = this.store.getQueue(task.queue);
    const failure = result.status !== undefined ? `HTTP ${result.status}` : result.reason;
    // A redirect leaves no trace in the app's logs: say why here, where the dashboard shows it.
    const hint = redirectHint(result.status, result.location);
    const detail = hint ?? result.detail.slice(0, 2048);
    // The task's own retry settings (Task.retry_config) override its queue's, field by field.
    const retry = queue && effectiveRetryConfig(queue.retryConfig, task.retryConfig);
    const attempts = task.dispatchCount;
    if (retry && shouldRetry(retry, { attempts, firstAttemptAt: task.firstAttempt!.dispatchTimeMs, now: nowMs })) {
      const retryAtMs = nowMs + Math.round(backoffSeconds(retry, attempts) * 1000);
      const next: TaskRecord = {
        ...task,
        state: 'queued',
        scheduleTimeMs: retryAtMs,
        retryReason: result.reason,
        lastError: detail || failure,
      };
      this.store.updateTask(next);
      this.options.log?.(
        `retry ${task.name} attempt ${attempts} failed (${failure}); next at ${new Date(retryAtMs).toISOString()}${hint ? `. ${hint}` : ''}`,
      );
      this.notify('task:error', { task: next, result, retryAtMs });
      return;
    }
    const own = task.retryConfig ? ", the task's own retry settings" : '';
    const limits = retry
      ? `max attempts ${retry.maxAttempts}, max retry duration ${retry.maxRetryDurationSeconds}s${own}`
      : 'its queue is gone';
    const why = `gave up after ${attempts} attempt(s) (${limits}); last: ${failure}`;
    // The app saw its last attempt too, and may have kept the task in a dead-letter queue (here).
    this.deadLetter({ ...task, retryReason: result.reason, lastError: detail || failure }, why, nowMs, this.keptCopy(result.keptAs));
  }

  /** The task the app's dead-letter sink made in a dead-letter queue of this emulator, if it exists. */
  private keptCopy(keptAs: string | undefined): ParsedTaskName | undefined {
    return keptAs && this.store.getTask(keptAs) ? parseTaskName(keptAs) : undefined;
  }

  /**
   * Gives up on the task. Kept in a dead-letter queue, only that copy stays, as in Cloud Tasks;
   * otherwise the task stays in its queue, dead, for the dashboard and a replay.
   */
  private deadLetter(task: TaskRecord, why: string, nowMs: number, kept: ParsedTaskName | undefined): void {
    const reason = kept ? `${why}; kept in dead-letter queue ${kept.queue} as ${kept.taskId}` : why;
    const dead: TaskRecord = { ...task, state: 'dead', deadReason: reason, deadTimeMs: nowMs };
    if (kept) this.store.deleteTask(task.name, nowMs + this.options.limits.tombstoneSeconds * 1000);
    else this.store.updateTask(dead);
    this.options.log?.(`dead ${task.name}: ${reason}`);
    this.notify('task:dead', { task: dead, reason });
  }
}
