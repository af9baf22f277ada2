import { shouldRetry } from '../contract/retry-policy.js';
import type { RetryConfig } from '../contract/queue-settings.js';
import { bodyForDeadLetter, taskOwnHeaders } from './dead-letter.js';
import type { DeadLetterSink } from '../runtime/dead-letter-sink.js';
import { defaultDeadLetterSink } from './default-dead-letter-sink.js';
import { decodeEnvelope, readReferenceEnvelope, type ReferenceEnvelope, type TaskEnvelope } from '../contract/envelope.js';
import type { PayloadStorageConfig } from '../runtime/config.js';
import { currentSettings } from '../runtime/settings.js';
import { payloadStoreFor } from '../runtime/payload-store.js';
import { loadOffloadedEnvelope, objectUrl } from './load-payload.js';
import { emitTaskEvent, type DeadLetterReason } from '../runtime/events.js';
import { describeError, log } from '../runtime/logger.js';
import { queueCatalog } from '../runtime/queue-catalog.js';
import { envelopeSerializer } from '../runtime/class-registry.js';
import type { Manifest } from '../runtime/registry.js';
import type { TaskHeaders } from '../contract/task-headers.js';
import type { SchedulerHeaders } from '../contract/scheduler-headers.js';
import { runWithTaskContext, type TaskContext } from '../runtime/task-context.js';
import { DEAD_ON_ARRIVAL, OUTCOMES, type TaskOutcome } from '../contract/outcomes.js';

/** One delivery of a task, however it arrived (HTTP from Cloud Tasks, or the jest stub). */
export interface TaskDelivery {
  body: Uint8Array;
  headers: TaskHeaders;
  /** Path the task was delivered to, for logs and dead letters. */
  url: string;
  /** Cloud Logging fields for the trace of the request that deferred the task. */
  trace?: Record<string, string>;
  /** The request's headers as they arrived: a dead letter keeps the task's own among them. */
  requestHeaders?: Headers;
  /** Set when Cloud Scheduler sent it (a cron.yaml `function:` job) rather than Cloud Tasks. */
  scheduler?: SchedulerHeaders;
}

/** What is known of an attempt when deciding whether it was the task's last. */
export interface AttemptInfo {
  queueName?: string;
  /** 1 on the first attempt. */
  attempt: number;
  /** ms since epoch: when the first attempt was due. */
  firstAttemptAt: number;
  now: number;
  /** The task's own retry settings (`defer`'s `retry` option, carried in its envelope), which replace its queue's. */
  retry?: RetryConfig;
}

export interface ExecuteTaskOptions {
  manifest: Manifest;
  /**
   * Where dead-lettered tasks go. @default the process's (registerDeferred's `deadLetter`), else
   * cloudTasksDeadLetterSink(): kept in the queue's paused dead-letter queue when queue.yaml gives
   * it one, else (or if that fails) one ERROR log entry
   */
  deadLetter?: DeadLetterSink;
  /** Whether a failed attempt was the last one. @default the queue's retry config in queue.yaml */
  isLastAttempt?: (attempt: AttemptInfo) => boolean;
  /**
   * DEFERRED_PAYLOAD_BUCKET: the only bucket and prefix offloaded payloads are read from.
   * @default none: a task whose payload was offloaded is undecodable
   */
  payloadStorage?: PayloadStorageConfig;
}

export interface TaskResult {
  outcome: TaskOutcome;
  status: number;
  deadLettered: boolean;
  /** Full name of the dead task in its dead-letter queue, when the sink kept it there. */
  deadLetterTask?: string;
  /** Why it was dead-lettered, when it was. */
  deadLetterReason?: DeadLetterReason;
  functionId?: string;
  error?: unknown;
  durationMs: number;
}

/**
 * Cloud Tasks retries a failed attempt unless the task's limits are reached: its own retry
 * settings when it has them, else its queue's in queue.yaml; queues not in queue.yaml are never judged final.
 */
export function isLastAttemptPerQueueYaml({ queueName, attempt, firstAttemptAt, now, retry }: AttemptInfo): boolean {
  if (retry) return !shouldRetry(retry, { attempts: attempt, firstAttemptAt, now });
  if (!queueName) return false;
  let queue;
  try {
    queue = queueCatalog().get(queueName);
  } catch (error) {
    log('WARNING', `cannot tell whether attempt ${attempt} was the last: ${describeError(error)}`);
    return false;
  }
  return queue ? !shouldRetry(queue.retryConfig, { attempts: attempt, firstAttemptAt, now }) : false;
}

// By name as well as class: a function may throw the class from another copy of this module.
const isNamed = (error: unknown, name: string) => error instanceof Error && error.name === name;

function outcomeOf(error: unknown): TaskOutcome {
  if (isNamed(error, 'PermanentTaskFailure')) return 'permanent-failure';
  if (isNamed(error, 'SingularTaskFailure')) return 'retry-requested';
  return 'failed';
}

async function runFunction(
  envelope: TaskEnvelope,
  context: TaskContext,
  manifest: Manifest,
): Promise<{ outcome: TaskOutcome; error?: unknown }> {
  const fn = manifest.get(envelope.fn);
  if (!fn) return { outcome: 'unknown-function', error: new Error(`no deferrable function "${envelope.fn}" in this deploy's manifest`) };
  emitTaskEvent('task:start', { context });
  try {
    await runWithTaskContext(context, () => fn(...envelope.args));
    return { outcome: 'success' };
  } catch (error) {
    return { outcome: outcomeOf(error), error };
  }
}

/** Deletes a finished task's payload; a failure is logged (the lifecycle rule is the backstop), never the task's. */
async function deletePayload(reference: ReferenceEnvelope, storage: PayloadStorageConfig, trace?: Record<string, string>): Promise<void> {
  try {
    await (await payloadStoreFor(storage)).delete(reference.ref.bucket, reference.ref.object);
  } catch (error) {
    log('WARNING', `could not delete the payload ${objectUrl(reference.ref)} of a finished task: ${describeError(error)}`, trace);
  }
}

/** Why a task with this outcome is dead-lettered (on the spot, or on its last attempt). */
function deadLetterReason(outcome: TaskOutcome): DeadLetterReason {
  if (DEAD_ON_ARRIVAL.has(outcome) || outcome === 'unknown-function') return outcome as DeadLetterReason;
  return 'final-attempt';
}

/** Hands a task that will not run again to the sink; false when the sink failed. */
async function deadLetter(
  delivery: TaskDelivery,
  envelope: TaskEnvelope | undefined,
  context: TaskContext | undefined,
  outcome: TaskOutcome,
  error: unknown,
  sink: DeadLetterSink = defaultDeadLetterSink(),
  reference?: ReferenceEnvelope,
): Promise<false | { keptAs?: string }> {
  const reason = deadLetterReason(outcome);
  let receipt;
  try {
    receipt = await sink({
      reason,
      error: describeError(error),
      functionId: envelope?.fn ?? reference?.fn,
      ...(reference ? { payloadObject: objectUrl(reference.ref) } : {}),
      queue: delivery.headers.queueName,
      taskName: delivery.headers.taskName,
      attempt: delivery.headers.retryCount + 1,
      url: delivery.url,
      ...(delivery.requestHeaders ? { headers: taskOwnHeaders(delivery.requestHeaders) } : {}),
      ...bodyForDeadLetter(delivery.body),
    });
  } catch (sinkError) {
    log('ERROR', `dead-letter sink failed, asking Cloud Tasks to retry: ${describeError(sinkError)}`, delivery.trace);
    return false;
  }
  emitTaskEvent('task:dead', { context, reason, error });
  return { keptAs: typeof receipt?.keptAs === 'string' ? receipt.keptAs : undefined };
}

/**
 * Decodes a task, runs its function and decides the status Cloud Tasks gets, dead-lettering
 * what will not run again. The status contract lives here, shared by every way a task arrives.
 */
export async function executeTask(delivery: TaskDelivery, options: ExecuteTaskOptions): Promise<TaskResult> {
  const started = performance.now();
  const { headers } = delivery;
  const attempt = headers.retryCount + 1;
  let envelope: TaskEnvelope | undefined;
  let context: TaskContext | undefined;
  let run: { outcome: TaskOutcome; error?: unknown };
  let reference: ReferenceEnvelope | undefined;
  try {
    reference = readReferenceEnvelope(delivery.body);
    if (!reference) envelope = decodeEnvelope(delivery.body, envelopeSerializer());
  } catch (error) {
    run = { outcome: 'undecodable', error };
  }
  if (reference) {
    // An offloaded payload (DEFERRED_PAYLOAD_BUCKET): read and verified before it is decoded.
    const loaded = await loadOffloadedEnvelope(reference, options.payloadStorage, currentSettings().payloadMaxBytes);
    if ('envelope' in loaded) envelope = loaded.envelope;
    else run = { outcome: loaded.outcome, error: loaded.error };
  }
  if (envelope) {
    const { scheduler } = delivery;
    context = {
      ...headers,
      functionId: envelope.fn,
      attempt,
      // A scheduled run's body was written at deploy time: its run began at the schedule time.
      enqueuedAt: scheduler?.scheduleTime ?? new Date(envelope.enqueuedAt),
      traceId: delivery.trace?.['logging.googleapis.com/trace']?.split('/').pop(),
      ...(scheduler && { cronJob: { name: scheduler.jobName, ...(scheduler.scheduleTime && { scheduleTime: scheduler.scheduleTime }) } }),
    };
    run = await runFunction(envelope, context, options.manifest);
  }
  const { outcome, error } = run!;
  const functionId = envelope?.fn ?? reference?.fn;
  const now = Date.now();
  const durationMs = performance.now() - started;
  const lastAttempt =
    outcome !== 'success' &&
    (DEAD_ON_ARRIVAL.has(outcome) ||
      (options.isLastAttempt ?? isLastAttemptPerQueueYaml)({
        queueName: headers.queueName,
        attempt,
        firstAttemptAt: envelope?.scheduledAt ?? envelope?.enqueuedAt ?? reference?.scheduledAt ?? reference?.enqueuedAt ?? now,
        now,
        retry: envelope?.retry ?? reference?.retry,
      }));
  const kept = lastAttempt ? await deadLetter(delivery, envelope, context, outcome, error, options.deadLetter, reference) : false;
  const deadLettered = kept !== false;
  // Done for good: the payload is deleted. A dead-lettered task keeps it, for its replay (the
  // bucket's lifecycle rule removes what no one replays).
  if (reference && outcome === 'success' && options.payloadStorage) await deletePayload(reference, options.payloadStorage, delivery.trace);
  // When the sink could not keep a dead task, a 500 makes Cloud Tasks keep it instead.
  const status = lastAttempt && !deadLettered ? OUTCOMES.failed.status : OUTCOMES[outcome].status;
  if (context && outcome === 'success') emitTaskEvent('task:success', { context, durationMs });
  else if (context && outcome !== 'unknown-function') emitTaskEvent('task:error', { context, error, durationMs, willRetry: !lastAttempt });
  log(OUTCOMES[outcome].severity, `task ${outcome}: ${functionId ?? '(undecodable)'}${error ? `: ${describeError(error)}` : ''}`, {
    ...delivery.trace,
    task: {
      queue: headers.queueName,
      name: headers.taskName,
      functionId,
      attempt,
      ...(reference && { payloadObject: objectUrl(reference.ref) }),
      ...(delivery.scheduler && { cronJob: delivery.scheduler.jobName }),
      outcome,
      status,
      deadLettered,
      durationMs: Math.round(durationMs * 10) / 10,
    },
    ...(error instanceof Error && outcome === 'failed' ? { stack_trace: error.stack } : {}),
  });
  const deadLetterTask = kept ? kept.keptAs : undefined;
  return {
    outcome,
    status,
    deadLettered,
    ...(deadLetterTask ? { deadLetterTask } : {}),
    ...(deadLettered ? { deadLetterReason: deadLetterReason(outcome) } : {}),
    functionId,
    error,
    durationMs,
  };
}
