import { countsAsExecution } from '../contract/cloud-tasks-behaviour.js';
import type { CloudTasksQueueSettings } from '../contract/queue-settings.js';
import { backoffSeconds, shouldRetry } from '../contract/retry-policy.js';
import type { DeadLetterEntry } from '../runtime/dead-letter-sink.js';
import { executeTask, type TaskResult } from '../handle/execute-task.js';
import type { Manifest } from '../runtime/registry.js';
import type { PayloadStorageConfig } from '../runtime/config.js';
import { pathOf, taskHeadersOf, type StubTaskRecord, type TaskAttempt } from './stub-task.js';

/** A dead-lettered task as the stub keeps it: the sink's entry, the task's full name and when. */
export interface DeadLetteredTask extends DeadLetterEntry {
  /** Full resource name of the task. */
  name: string;
  /** Virtual time of the delivery that dead-lettered it. */
  at: Date;
}

export interface AttemptSettings {
  manifest: Manifest;
  queue: CloudTasksQueueSettings;
  /** Virtual time of this delivery (ms). */
  nowMs: number;
  retries: boolean;
  onDeadLetter: (task: DeadLetteredTask) => void;
  /** Where offloaded payloads may be read from (the stub's `config.payloadBucket`). */
  payloadStorage?: PayloadStorageConfig;
}

export interface StubAttemptResult {
  result: TaskResult;
  /** The queue's limits are reached (or retries are off): Cloud Tasks would not deliver it again. */
  final: boolean;
  /** When Cloud Tasks would deliver it again after a failure (ms, virtual). */
  retryAtMs: number;
}

/**
 * Counts one delivery into the task's history as Cloud Tasks does (contract/cloud-tasks-behaviour.ts):
 * every delivery raises the retry count, an answer other than 5xx the execution count.
 */
export function recordAttempt(record: StubTaskRecord, attempt: TaskAttempt): void {
  record.firstAttemptAtMs ??= attempt.at.getTime();
  record.retryCount += 1;
  if (countsAsExecution({ status: attempt.status })) record.executionCount += 1;
  record.lastAttempt = attempt;
}

/**
 * One delivery of a task through `executeTask`, the handler's own pipeline (decode, lookup,
 * context, status contract), minus HTTP and the token. Updates the task's counts the way
 * Cloud Tasks does: every delivery raises the retry count, a non-5xx answer the execution count.
 */
export async function deliverTask(record: StubTaskRecord, settings: AttemptSettings): Promise<StubAttemptResult> {
  const { nowMs, queue } = settings;
  const firstAttemptAt = record.firstAttemptAtMs ?? nowMs;
  const attempts = record.retryCount + 1;
  // The task's own retry settings, else its queue's, as Cloud Tasks reads them.
  const retry = record.retry ?? queue.retryConfig;
  // From the virtual clock, not executeTask's (real) `now` and envelope times.
  const final = !settings.retries || !shouldRetry(retry, { attempts, firstAttemptAt, now: nowMs });
  const result = await executeTask(
    {
      body: record.body,
      headers: taskHeadersOf(record, new Date(record.etaMs)),
      url: pathOf(record.url),
      requestHeaders: new Headers(record.headers),
    },
    {
      manifest: settings.manifest,
      isLastAttempt: () => final,
      payloadStorage: settings.payloadStorage,
      deadLetter: (entry) => settings.onDeadLetter({ ...entry, name: record.name, at: new Date(nowMs) }),
    },
  );
  recordAttempt(record, {
    at: new Date(nowMs),
    status: result.status,
    outcome: result.outcome,
    deadLettered: result.deadLettered,
    error: result.error,
  });
  return { result, final, retryAtMs: nowMs + backoffSeconds(retry, attempts) * 1000 };
}
