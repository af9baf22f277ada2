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
