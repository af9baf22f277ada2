/**
 * Runs the queues: per queue a token bucket and a count of attempts in flight decide how many
 * due tasks to claim; each claimed task gets one HTTP attempt, and its outcome decides between
 * done (deleted, name tombstoned), retry (Cloud Tasks' backoff, lib/queues' policy) and dead
 * letter (attempt-outcome.ts). The store is written before each step is acted on, so a crash
 * replays, never loses. At fan-out rates the writes go in batches: the attempts a look at a queue
 * starts are one transaction, and the outcomes of the attempts that answered in one tick another.
 */
import { EventEmitter } from 'node:events';
import { applyQueueHttpTarget } from './queue-http-target.js';
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
import { recordOutcome, type Outcome } from './attempt-outcome.js';
import type { QueueRecord, TaskRecord } from './model.js';
import type { OidcSigner } from './oidc-signer.js';
import type { ResolvedOptions } from './options.js';
import type { StartedTask, StoredTask, Store } from './store.js';
import type { EmulatorEvents } from './task-events.js';
import { TargetPolicy } from './target-policy.js';
import type { DispatchControl } from './tasks-service.js';
import { TokenBucket } from './token-bucket.js';

/** What a retry's headers say of the attempt before it. */
type Previous = { status?: number; reason?: string };
/** An attempt that has answered, waiting for its outcome to be written with the others of this tick. */
type Answered = { started: StartedTask; result: AttemptResult };

/** setTimeout's ceiling; a later wake-up just looks again. */
const MAX_SLEEP_MS = 2 ** 31 - 1;
/** After an unexpected error while looking at a queue (its store rows, say), look again this much later. */
const PUMP_ERROR_RETRY_MS = 1000;

interface QueueRuntime {
  bucket: TokenBucket;
  inFlight: Set<string>;
  timer?: NodeJS.Timeout;
}

export class Dispatcher extends EventEmitter<EmulatorEvents> implements DispatchControl {
  private readonly runtimes = new Map<string, QueueRuntime>();
  private readonly attempts = new Map<string, AttemptHandle>();
  private readonly pending = new Set<string>();
  private readonly answered: Answered[] = [];
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
    const recovered = this.store.tasks.recoverRunning();
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
  private notify<K extends keyof EmulatorEvents>(event: K, ...args: EmulatorEvents[K]): void {
    try {
      this.emit(event, ...(args as never));
    } catch (error) {
      this.options.log?.(`a ${event} listener threw: ${(error as Error)?.message ?? error}`);
    }
  }

  runNow(task: StoredTask): StoredTask | undefined {
    const queue = this.store.getQueue(task.queue);
    if (!queue) return undefined;
    const started = this.attempted(task, this.now());
    // Written before the request goes out, as a claimed task is.
    const written = this.store.tasks.update(started);
    if (written === undefined) return undefined;
    const previous = { status: task.lastAttempt?.httpStatus, reason: task.retryReason };
    this.startAttempt(queue, this.runtime(queue), { task: started, written }, previous);
    return started;
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
    // Written (running, the attempt counted) before the requests go out: a crash now still counts these attempts.
    const previous = new Map<number, Previous>();
    const claimed = this.store.tasks.startDue(queueName, nowMs, wanted, (task) => {
      previous.set(task.seq, { status: task.lastAttempt?.httpStatus, reason: task.retryReason });
      return this.attempted(task, nowMs);
    });
    if (!unlimited) runtime.bucket.take(claimed.length, nowMs);
    for (const started of claimed) this.startAttempt(queue, runtime, started, previous.get(started.task.seq)!);
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
      const next = this.store.tasks.nextScheduleMs(queue.name);
      if (next === undefined) return; // nothing queued: createTask wakes the queue
      delay = Math.max(next - nowMs, tokenMs, 1);
    }
    runtime.timer = setTimeout(() => this.pumpSafely(queue.name), Math.min(delay, MAX_SLEEP_MS));
  }

  /** The task with its next attempt counted, as written before the attempt goes out. */
  private attempted<T extends TaskRecord>(task: T, nowMs: number): T {
    const attemptRecord = { scheduleTimeMs: task.scheduleTimeMs, dispatchTimeMs: nowMs };
    return {
      ...task,
      state: 'running',
      dispatchCount: task.dispatchCount + 1,
      firstAttempt: task.firstAttempt ?? attemptRecord,
      lastAttempt: attemptRecord,
    };
  }

  /** Sends the started task's attempt; its answer is recorded with the others of its tick (recordAnswered). */
  private startAttempt(queue: QueueRecord, runtime: QueueRuntime, started: StartedTask, previous: Previous): void {
    const { task } = started;
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
        if (this.answered.push({ started, result }) === 1) setImmediate(() => this.recordAnswered());
      });
  }

  /**
   * Writes the outcomes of the attempts that answered since the last call in one transaction
   * (one commit for hundreds of answers), then emits their events and wakes their queues. If the
   * batch cannot be written, each outcome is tried on its own, so one bad row costs only itself.
   */
  private recordAnswered(): void {
    const batch = this.answered.splice(0);
    if (this.stopped || batch.length === 0) return;
    const queues = new Map<string, QueueRecord | undefined>();
    const context = {
      store: this.store,
      nowMs: this.now(),
      tombstoneSeconds: this.options.limits.tombstoneSeconds,
      queueOf: (name: string) => (queues.has(name) ? queues.get(name) : queues.set(name, this.store.getQueue(name)).get(name)),
    };
    const record = ({ started, result }: Answered) => recordOutcome(context, started, result);
    let outcomes: (Outcome | undefined)[];
    try {
      outcomes = this.store.transaction(() => batch.map(record));
    } catch {
      outcomes = batch.map((answered) => {
        try {
          return this.store.transaction(() => record(answered));
        } catch (error) {
          // The task stays 'running' in the store: the next start dispatches it again.
          this.options.log?.(`could not record the attempt of ${answered.started.task.name}: ${(error as Error)?.message ?? error}`);
          return undefined;
        }
      });
    }
    for (const outcome of outcomes) {
      if (!outcome) continue;
      this.options.log?.(outcome.log);
      this.notify(outcome.event, outcome.payload as never);
    }
    for (const queue of new Set(batch.map(({ started }) => started.task.queue))) this.wake(queue);
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
}
