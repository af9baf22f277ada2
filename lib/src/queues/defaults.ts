import { QUEUE_ID } from '../contract/names.js';

/**
 * App Engine's defaults for settings queue.yaml leaves out, and the limits it enforces.
 * Cloud Tasks' own defaults differ (e.g. max attempts 100, min backoff 0.1 s, max backoff 3600 s,
 * max doublings 16): we always send every field, so the App Engine values are what a user gets.
 */
export const APP_ENGINE_DEFAULTS = {
  bucketSize: 5,
  maxConcurrentRequests: 1000,
  minBackoffSeconds: 0.1,
  maxBackoffSeconds: 3600,
  maxDoublings: 16,
  /** task_retry_limit unset = unlimited attempts (Cloud Tasks' -1). */
  maxAttempts: -1,
  /** task_age_limit unset = no age limit (Cloud Tasks' 0). */
  maxRetryDurationSeconds: 0,
} as const;

export const APP_ENGINE_LIMITS = {
  /** Queue ids: letters, digits, hyphens; Cloud Tasks allows at most 100 characters. */
  namePattern: QUEUE_ID,
  maxRatePerSecond: 500,
  maxBucketSize: 500,
  /** Cloud Tasks' ceiling for max_concurrent_dispatches. */
  maxConcurrentRequests: 5000,
} as const;
