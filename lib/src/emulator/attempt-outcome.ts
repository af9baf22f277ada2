/**
 * What an attempt's answer does to its task, written to the store: a 2xx deletes it (its name
 * tombstoned); a failure schedules a retry with Cloud Tasks' backoff, or dead-letters it once the
 * retry settings (the task's own over its queue's, retry-config.ts) are spent; the app's
 * dead-lettered outcome dead-letters it at once. The write is conditional on the task's row being
 * as the attempt left it (task-store.ts): a task deleted, purged or replayed meanwhile is left
 * alone. Returns the event to emit and the line to log once the write is committed.
 */
import { countsAsExecution } from '../contract/cloud-tasks-behaviour.js';
import { parseTaskName } from '../contract/names.js';
import { DEAD_LETTERED, deadLetterReasonPrefix } from '../contract/outcomes.js';
import { redirectHint } from '../contract/redirect-hint.js';
import { backoffSeconds, shouldRetry } from '../contract/retry-policy.js';
import type { AttemptResult } from './attempt.js';
import type { EmulatorEvents } from './task-events.js';
import { rpcCodeForHttpStatus } from './http-status.js';
import type { QueueRecord, TaskRecord } from './model.js';
import { effectiveRetryConfig } from './retry-config.js';
import type { StartedTask, Store } from './store.js';

export type Outcome = {
  [K in keyof EmulatorEvents]: { event: K; payload: EmulatorEvents[K][0]; log: string };
}[keyof EmulatorEvents];

export interface OutcomeContext {
  store: Store;
  nowMs: number;
  tombstoneSeconds: number;
  /** The task's queue, as it is now (cached for a batch of outcomes). */
  queueOf(name: string): QueueRecord | undefined;
}

/** The task with the attempt's answer counted, as Cloud Tasks counts it. */
function answeredTask(sent: TaskRecord, result: AttemptResult, nowMs: number): TaskRecord {
  const answered = result.status !== undefined;
  return {
    ...sent,
    responseCount: sent.responseCount + (answered ? 1 : 0),
    executionCount: sent.executionCount + (countsAsExecution(result) ? 1 : 0),
    lastAttempt: {
      ...sent.lastAttempt!,
      responseTimeMs: nowMs,
      httpStatus: result.status,
      responseStatus: { code: rpcCodeForHttpStatus(result.status), message: answered ? `HTTP ${result.status}` : result.detail },
    },
  };
}

/** Writes the attempt's outcome; undefined when the task is no longer the one the attempt started. */
export function recordOutcome(context: OutcomeContext, started: StartedTask, result: AttemptResult): Outcome | undefined {
  const { nowMs } = context;
  const task = answeredTask(started.task, result, nowMs);
  const status = result.status;
  if (status !== undefined && status >= 200 && status < 300) {
    // The app's handler says "2xx, but it went to the dead-letter sink" (contract/outcomes.ts).
    if (result.outcome === DEAD_LETTERED) {
      const why = `${deadLetterReasonPrefix(result.deadReason)}the app answered ${status} with ${result.outcome}: ${result.detail}`.trim();
      const kept = keptCopy(context, result.keptAs);
      return deadLetter(context, started, kept ? task : { ...task, lastError: result.detail }, why, kept);
    }
    if (!context.store.tasks.deleteStarted(started, nowMs + context.tombstoneSeconds * 1000)) return undefined;
    const durationMs = nowMs - task.lastAttempt!.dispatchTimeMs;
    return {
      event: 'task:success',
      payload: { task, status, durationMs },
      log: `ok ${task.name} attempt ${task.dispatchCount}: HTTP ${status} in ${durationMs} ms`,
    };
  }
  return retryOrDeadLetter(context, started, task, result);
}

function retryOrDeadLetter(context: OutcomeContext, started: StartedTask, task: TaskRecord, result: AttemptResult): Outcome | undefined {
  const { nowMs } = context;
  const queue = context.queueOf(task.queue);
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
    if (!context.store.tasks.replaceStarted(started, next)) return undefined;
    return {
      event: 'task:error',
      payload: { task: next, result, retryAtMs },
      log: `retry ${task.name} attempt ${attempts} failed (${failure}); next at ${new Date(retryAtMs).toISOString()}${hint ? `. ${hint}` : ''}`,
    };
  }
  const own = task.retryConfig ? ", the task's own retry settings" : '';
  const limits = retry
    ? `max attempts ${retry.maxAttempts}, max retry duration ${retry.maxRetryDurationSeconds}s${own}`
    : 'its queue is gone';
  const why = `${deadLetterReasonPrefix(result.deadReason)}gave up after ${attempts} attempt(s) (${limits}); last: ${failure}`;
  // The app saw its last attempt too, and may have kept the task in a dead-letter queue (here).
  const failed = { ...task, retryReason: result.reason, lastError: detail || failure };
  return deadLetter(context, started, failed, why, keptCopy(context, result.keptAs));
}

type ParsedTaskName = NonNullable<ReturnType<typeof parseTaskName>>;

/** The task the app's dead-letter sink made in a dead-letter queue of this emulator, if it exists. */
function keptCopy(context: OutcomeContext, keptAs: string | undefined): ParsedTaskName | undefined {
  return keptAs && context.store.tasks.get(keptAs) ? parseTaskName(keptAs) : undefined;
}

/**
 * Gives up on the task. Kept in a dead-letter queue, only that copy stays, as in Cloud Tasks;
 * otherwise the task stays in its queue, dead, for the dashboard and a replay.
 */
function deadLetter(
  context: OutcomeContext,
  started: StartedTask,
  task: TaskRecord,
  why: string,
  kept: ParsedTaskName | undefined,
): Outcome | undefined {
  const { nowMs, store } = context;
  const reason = kept ? `${why}; kept in dead-letter queue ${kept.queue} as ${kept.taskId}` : why;
  const dead: TaskRecord = { ...task, state: 'dead', deadReason: reason, deadTimeMs: nowMs };
  const written = kept
    ? store.tasks.deleteStarted(started, nowMs + context.tombstoneSeconds * 1000)
    : store.tasks.replaceStarted(started, dead);
  if (!written) return undefined;
  return { event: 'task:dead', payload: { task: dead, reason }, log: `dead ${task.name}: ${reason}` };
}
