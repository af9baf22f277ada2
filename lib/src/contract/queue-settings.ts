/**
 * A Cloud Tasks queue's settings as the adapter, the queue CLI and the emulator all model them:
 * the API's Queue resource, durations in seconds.
 */
import { durationObject } from './proto-json.js';

export type QueueState = 'RUNNING' | 'PAUSED';

export interface RateLimits {
  /** Tasks per second; 0 when the queue is paused by queue.yaml's `rate: 0`. */
  maxDispatchesPerSecond: number;
  maxConcurrentDispatches: number;
  /** bucket_size; output-only in the API (Cloud Tasks picks it), kept for the emulator. */
  maxBurstSize: number;
}

export interface RetryConfig {
  /** -1 = unlimited. */
  maxAttempts: number;
  /** 0 = unlimited. */
  maxRetryDurationSeconds: number;
  minBackoffSeconds: number;
  maxBackoffSeconds: number;
  maxDoublings: number;
}

/** Cloud Tasks' view of one queue. */
export interface CloudTasksQueueSettings {
  /** Short queue id, e.g. "default" (not the full resource name). */
  name: string;
  /** rate 0 in queue.yaml => PAUSED. */
  state: QueueState;
  rateLimits: RateLimits;
  retryConfig: RetryConfig;
}

/** A RetryConfig as Cloud Tasks' message (durations as { seconds, nanos }): a queue's, or a task's own (v2beta3's Task.retry_config). */
export function retryConfigMessage(retry: RetryConfig) {
  return {
    maxAttempts: retry.maxAttempts,
    maxRetryDuration: durationObject(retry.maxRetryDurationSeconds),
    minBackoff: durationObject(retry.minBackoffSeconds),
    maxBackoff: durationObject(retry.maxBackoffSeconds),
    maxDoublings: retry.maxDoublings,
  };
}

/**
 * The backoff pair the API gets. With only one of the two set, App Engine moves the other default
 * out of the way instead of failing: a lone min above the default max raises max to it, a lone
 * max below the default min lowers min to it (queueinfo.py, TranslateRetryParameters). cron.yaml
 * follows the same rule with Cloud Scheduler's defaults, and a task's own retry settings with its
 * queue's.
 */
export function effectiveBackoff(
  retry: { minBackoffSeconds?: number; maxBackoffSeconds?: number } | undefined,
  defaults: { minBackoffSeconds: number; maxBackoffSeconds: number },
): { min: number; max: number } {
  const min = retry?.minBackoffSeconds;
  const max = retry?.maxBackoffSeconds;
  if (min !== undefined && max !== undefined) return { min, max };
  if (min !== undefined) return { min, max: Math.max(min, defaults.maxBackoffSeconds) };
  if (max !== undefined) return { min: Math.min(max, defaults.minBackoffSeconds), max };
  return { min: defaults.minBackoffSeconds, max: defaults.maxBackoffSeconds };
}
