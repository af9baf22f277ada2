import type { RetryConfig } from './queue-settings.js';

/**
 * Seconds to wait after the n-th failed attempt (n >= 1), Cloud Tasks' schedule: start at min
 * backoff, double max_doublings times, then grow linearly by the last doubled step, never past
 * max backoff. min 10 / max 300 / doublings 3 gives 10, 20, 40, 80, 160, 240, 300, 300, ...
 */
export function backoffSeconds(retry: RetryConfig, failedAttempts: number): number {
  const n = Math.max(1, Math.floor(failedAttempts));
  const doublings = Math.min(n - 1, retry.maxDoublings);
  const interval = retry.minBackoffSeconds * 2 ** doublings * Math.max(1, n - doublings);
  return Math.min(retry.maxBackoffSeconds, interval);
}

/**
 * Whether a task that just failed gets another attempt.
 *
 * Cloud Tasks' RetryConfig docs: "Cloud Tasks stops retrying only when max_attempts and
 * max_retry_duration are both satisfied"; "if you want your task to retry infinitely, you must
 * set max_attempts to -1 and max_retry_duration to 0". Our reading, which also matches App
 * Engine's queue.yaml ("if task_age_limit is also specified, both must be exceeded"):
 * - a limit that is unset (max attempts -1, max retry duration 0) sets no condition, so it never
 *   holds a task back: with only max attempts set, the task stops after max attempts (App
 *   Engine's `task_retry_limit: 0` alone means no retry); with only a duration, it stops once
 *   the duration has passed since the first attempt;
 * - with both set, it stops only when both are reached (task_retry_limit 0 + task_age_limit 3m
 *   retries for three minutes);
 * - with neither set, it retries until Cloud Tasks' task retention limit (we never stop).
 * `attempts` counts attempts made so far, this one included; times are in milliseconds.
 */
export function shouldRetry(retry: RetryConfig, state: { attempts: number; firstAttemptAt: number; now: number }): boolean {
  const attemptsLimited = retry.maxAttempts >= 0;
  const durationLimited = retry.maxRetryDurationSeconds > 0;
  if (!attemptsLimited && !durationLimited) return true;
  const attemptsReached = !attemptsLimited || state.attempts >= retry.maxAttempts;
  const durationReached = !durationLimited || state.now - state.firstAttemptAt >= retry.maxRetryDurationSeconds * 1000;
  return !(attemptsReached && durationReached);
}
