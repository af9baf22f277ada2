import { describe, expect, test } from '@jest/globals';
import { backoffSeconds, shouldRetry } from '@/lib/src/contract/retry-policy';
import type { RetryConfig } from '@/lib/src/contract/queue-settings';

const retry = (over: Partial<RetryConfig>): RetryConfig => ({
  maxAttempts: -1,
  maxRetryDurationSeconds: 0,
  minBackoffSeconds: 0.1,
  maxBackoffSeconds: 3600,
  maxDoublings: 16,
  ...over,
});

describe('backoffSeconds (Cloud Tasks schedule)', () => {
  test('min 10 / max 300 / 3 doublings: doubles 3 times, then linear, then capped', () => {
    const r = retry({ minBackoffSeconds: 10, maxBackoffSeconds: 300, maxDoublings: 3 });
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((n) => backoffSeconds(r, n))).toEqual([10, 20, 40, 80, 160, 240, 300, 300]);
  });

  test('min 10 / max 200 / 0 doublings: linear from the start', () => {
    const r = retry({ minBackoffSeconds: 10, maxBackoffSeconds: 200, maxDoublings: 0 });
    expect(Array.from({ length: 22 }, (_, i) => backoffSeconds(r, i + 1))).toEqual([
      10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120, 130, 140, 150, 160, 170, 180, 190, 200, 200, 200,
    ]);
  });

  test('App Engine defaults: 0.1 s doubling up to an hour', () => {
    const r = retry({});
    expect(backoffSeconds(r, 1)).toBeCloseTo(0.1);
    expect(backoffSeconds(r, 2)).toBeCloseTo(0.2);
    expect(backoffSeconds(r, 11)).toBeCloseTo(102.4);
    expect(backoffSeconds(r, 20)).toBe(3600);
  });
});

const at = (attempts: number, elapsedSeconds: number) => ({ attempts, firstAttemptAt: 1_000_000, now: 1_000_000 + elapsedSeconds * 1000 });

describe('shouldRetry', () => {
  test('only max attempts set: stops after max attempts (task_retry_limit 0 = one attempt)', () => {
    expect(shouldRetry(retry({ maxAttempts: 1 }), at(1, 0))).toBe(false);
    expect(shouldRetry(retry({ maxAttempts: 3 }), at(2, 9999))).toBe(true);
    expect(shouldRetry(retry({ maxAttempts: 3 }), at(3, 0))).toBe(false);
  });

  test('only max retry duration set: retries until the duration has passed', () => {
    const r = retry({ maxRetryDurationSeconds: 3600 });
    expect(shouldRetry(r, at(500, 3599))).toBe(true);
    expect(shouldRetry(r, at(2, 3600))).toBe(false);
  });

  test('both set: stops only when both are reached (push-notifications: 1 attempt, 3 minutes)', () => {
    const r = retry({ maxAttempts: 1, maxRetryDurationSeconds: 180 });
    expect(shouldRetry(r, at(1, 10))).toBe(true);
    expect(shouldRetry(r, at(7, 179))).toBe(true);
    expect(shouldRetry(r, at(7, 180))).toBe(false);
    const r2 = retry({ maxAttempts: 10, maxRetryDurationSeconds: 60 });
    expect(shouldRetry(r2, at(3, 120))).toBe(true);
    expect(shouldRetry(r2, at(10, 120))).toBe(false);
  });

  test('neither set: retries forever', () => {
    expect(shouldRetry(retry({}), at(100_000, 86400 * 30))).toBe(true);
  });
});
