/**
 * A task's own retry settings (`defer(fn, args, { retry })`): Cloud Tasks' `Task.retry_config`,
 * which replaces its queue's for that task. Checked like queue.yaml's `retry_parameters`, each
 * message naming the field, and sent complete: a field left out is the queue's (queue.yaml's), so
 * Cloud Tasks, the emulator and the handler all read the same settings, whichever way Cloud Tasks
 * merges a partial config with the queue's (its docs say only "overrides the queue-level retry
 * config"). The handler reads them back from the envelope to know the task's last attempt.
 */
import { InvalidTaskOptionsError } from '../contract/errors.js';
import { effectiveBackoff, type RetryConfig } from '../contract/queue-settings.js';

/** A task's own retry settings; durations in seconds, as `countdown` and `dispatchDeadline`. */
export interface TaskRetryOptions {
  /** Attempts in all, the first included (queue.yaml's `task_retry_limit` + 1); -1 for no limit. @default the queue's */
  maxAttempts?: number;
  /**
   * Seconds after the first attempt past which no retry is made, once `maxAttempts` is reached too
   * (queue.yaml's `task_age_limit`); 0 for no limit. Whole seconds (Cloud Tasks truncates).
   * @default the queue's
   */
  maxRetryDuration?: number;
  /** Seconds before the first retry (`min_backoff_seconds`). @default the queue's */
  minBackoff?: number;
  /** Seconds between retries at most (`max_backoff_seconds`). @default the queue's */
  maxBackoff?: number;
  /** How many times the wait doubles before it grows linearly (`max_doublings`). @default the queue's */
  maxDoublings?: number;
}

const FIELDS = ['maxAttempts', 'maxRetryDuration', 'minBackoff', 'maxBackoff', 'maxDoublings'] as const;

function invalid(field: string, message: string): never {
  throw new InvalidTaskOptionsError(field === 'retry' ? 'retry' : `retry.${field}`, `defer(): ${message}`);
}

const shown = (value: unknown) => (typeof value === 'string' ? JSON.stringify(value) : String(value));

/** What each field must be, in words that say what to write (App Engine's queue.yaml names in brackets). */
const RULES: Record<(typeof FIELDS)[number], { ok: (n: number) => boolean; is: string }> = {
  maxAttempts: {
    ok: (n) => Number.isInteger(n) && (n >= 1 || n === -1),
    is: 'a whole number >= 1 (attempts in all, the first included: task_retry_limit + 1), or -1 for no limit',
  },
  maxRetryDuration: { ok: (n) => n >= 0, is: 'a number of seconds >= 0 (task_age_limit; 0: no time limit)' },
  minBackoff: { ok: (n) => n >= 0, is: 'a number of seconds >= 0 (min_backoff_seconds)' },
  maxBackoff: { ok: (n) => n >= 0, is: 'a number of seconds >= 0 (max_backoff_seconds)' },
  maxDoublings: { ok: (n) => Number.isInteger(n) && n >= 0, is: 'a whole number >= 0 (max_doublings)' },
};

/** The `retry` option checked; undefined when it sets nothing. */
function readRetryOptions(given: unknown): TaskRetryOptions | undefined {
  if (given === undefined) return undefined;
  if (typeof given !== 'object' || given === null || Array.isArray(given)) {
    invalid('retry', `retry must be an object of ${FIELDS.join(', ')}; got ${Array.isArray(given) ? 'an array' : shown(given)}`);
  }
  const out: TaskRetryOptions = {};
  for (const [key, value] of Object.entries(given)) {
    if (!(FIELDS as readonly string[]).includes(key))
      invalid('retry', `retry has no setting "${key}"; the settings are ${FIELDS.join(', ')}`);
    if (value === undefined) continue;
    const field = key as (typeof FIELDS)[number];
    const rule = RULES[field];
    if (typeof value !== 'number' || !Number.isFinite(value) || !rule.ok(value))
      invalid(field, `retry.${field} must be ${rule.is}; got ${shown(value)}`);
    out[field] = value;
  }
  return Object.keys(out).length ? out : undefined;
}

/**
 * The task's own retry settings, complete: the fields given over the queue's. As in queue.yaml
 * (App Engine's rule), a lone `minBackoff` above the queue's max backoff raises it, a lone
 * `maxBackoff` below the queue's min backoff lowers it; both given, min may not exceed max.
 * Undefined when `retry` sets nothing: the task follows its queue.
 */
export function resolveTaskRetry(given: TaskRetryOptions | undefined, queue: RetryConfig): RetryConfig | undefined {
  const own = readRetryOptions(given);
  if (!own) return undefined;
  const { minBackoff, maxBackoff } = own;
  if (minBackoff !== undefined && maxBackoff !== undefined && minBackoff > maxBackoff) {
    invalid('minBackoff', `retry.minBackoff (${minBackoff} s) must not be greater than retry.maxBackoff (${maxBackoff} s)`);
  }
  const { min, max } = effectiveBackoff({ minBackoffSeconds: minBackoff, maxBackoffSeconds: maxBackoff }, queue);
  return {
    maxAttempts: own.maxAttempts ?? queue.maxAttempts,
    maxRetryDurationSeconds: own.maxRetryDuration !== undefined ? Math.trunc(own.maxRetryDuration) : queue.maxRetryDurationSeconds,
    minBackoffSeconds: min,
    maxBackoffSeconds: max,
    maxDoublings: own.maxDoublings ?? queue.maxDoublings,
  };
}
