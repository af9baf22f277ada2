/**
 * RetryConfig as Cloud Tasks reads it, for a queue (every field, Cloud Tasks' defaults for the
 * missing ones) and for a task (v2beta3's Task.retry_config: the fields it sets override the
 * queue's). One reading of each field, with Google's messages for values out of range.
 *
 * A task's config is read field by field: a field it leaves out, or sets to 0 (proto3 cannot
 * tell the two apart on the wire), comes from its queue at each dispatch. Cloud Tasks' docs say
 * only that the task's config "overrides the queue-level retry config"; this is the emulator's
 * reading, and the one under which a task that sets only `maxAttempts` keeps its queue's backoff.
 */
import { CLOUD_TASKS_ERRORS, type CloudTasksErrorText } from '../contract/cloud-tasks-messages.js';
import { formatDuration, parseDuration, type JsonObject } from '../contract/proto-json.js';
import { cloudTasksError, invalidArgument } from './api-error.js';
import type { RetryConfig } from './model.js';

/** What Cloud Tasks picks for a queue created through the API without retry settings. */
export const DEFAULT_RETRY_CONFIG: RetryConfig = {
  maxAttempts: 100,
  maxRetryDurationSeconds: 0,
  minBackoffSeconds: 0.1,
  maxBackoffSeconds: 3600,
  maxDoublings: 16,
};

/** Google's message when a value is below its minimum (a negative backoff, maxAttempts -2), ours as the hint; ours alone where Google's is unknown. */
export const tooLow = (google: CloudTasksErrorText | undefined, hint: string) =>
  google ? cloudTasksError(google, hint) : invalidArgument(hint);

/** An integer field of a message: undefined when unset (proto3: 0 is "unset"), else at least `min`. */
export function integerField(value: unknown, field: string, min: number, google?: CloudTasksErrorText): number | undefined {
  if (value === undefined || value === null || value === 0) return undefined;
  const number = Number(value);
  if (!Number.isInteger(number) || number < min)
    throw tooLow(google, `${field} must be an integer >= ${min}, got ${JSON.stringify(value)}`);
  return number;
}

const nonNegativeDuration = (value: unknown, field: string, google?: CloudTasksErrorText): number | undefined => {
  if (value === undefined || value === null) return undefined;
  const seconds = parseDuration(value, field, invalidArgument);
  if (seconds < 0) {
    const hint = `${field} must not be negative${field.endsWith('maxRetryDuration') ? ' (0 means unlimited)' : ''}`;
    throw tooLow(google, hint);
  }
  return seconds;
};

/** One reader per RetryConfig field: its JSON name, its record key, and its value (undefined: unset). */
const FIELDS = {
  maxAttempts: {
    key: 'maxAttempts',
    read: (value: unknown, field: string) => integerField(value, field, -1, CLOUD_TASKS_ERRORS.maxAttemptsRange),
  },
  maxRetryDuration: {
    key: 'maxRetryDurationSeconds',
    // Cloud Tasks truncates it to the second.
    read: (value: unknown, field: string) => {
      const seconds = nonNegativeDuration(value, field);
      return seconds === undefined ? undefined : Math.trunc(seconds);
    },
  },
  minBackoff: {
    key: 'minBackoffSeconds',
    read: (value: unknown, field: string) => nonNegativeDuration(value, field, CLOUD_TASKS_ERRORS.minBackoffNegative),
  },
  maxBackoff: {
    key: 'maxBackoffSeconds',
    read: (value: unknown, field: string) => nonNegativeDuration(value, field, CLOUD_TASKS_ERRORS.maxBackoffNegative),
  },
  maxDoublings: {
    key: 'maxDoublings',
    read: (value: unknown, field: string) =>
      value === undefined ? undefined : (integerField(value, field, 0, CLOUD_TASKS_ERRORS.maxDoublingsNegative) ?? 0),
  },
} as const satisfies Record<string, { key: keyof RetryConfig; read: (value: unknown, field: string) => number | undefined }>;

export type RetryField = keyof typeof FIELDS;
export const RETRY_FIELDS = Object.keys(FIELDS) as RetryField[];

/** One field of a RetryConfig message (`input` is the message), checked; undefined when it is unset. */
export function readRetryField(input: JsonObject | undefined, field: RetryField, path: string): number | undefined {
  return FIELDS[field].read(input?.[field], `${path}.${field}`);
}

/** The record key a RetryConfig field is kept under. */
export const retryKey = (field: RetryField): keyof RetryConfig => FIELDS[field].key;

export function checkBackoffOrder(retry: Partial<RetryConfig>, path: string): void {
  const { minBackoffSeconds: min, maxBackoffSeconds: max } = retry;
  if (min !== undefined && max !== undefined && min > max) {
    throw cloudTasksError(
      CLOUD_TASKS_ERRORS.backoffOrder,
      `${path}.minBackoff (${formatDuration(min)}) must not exceed ${path}.maxBackoff (${formatDuration(max)})`,
    );
  }
}

/** A task's retryConfig: the fields it sets (0 counts as unset), or undefined when it sets none. */
export function taskRetryConfig(input: unknown): Partial<RetryConfig> | undefined {
  if (input === undefined || input === null) return undefined;
  if (typeof input !== 'object' || Array.isArray(input)) throw invalidArgument('task.retryConfig must be a RetryConfig message');
  const config: Partial<RetryConfig> = {};
  for (const field of RETRY_FIELDS) {
    const value = readRetryField(input as JsonObject, field, 'task.retryConfig');
    if (value !== undefined && value !== 0) config[retryKey(field)] = value;
  }
  checkBackoffOrder(config, 'task.retryConfig');
  return Object.keys(config).length ? config : undefined;
}

/** The settings a task's dispatch follows: its own, else its queue's, field by field. */
export function effectiveRetryConfig(queue: RetryConfig, task: Partial<RetryConfig> | undefined): RetryConfig {
  return task ? { ...queue, ...task } : queue;
}

/** Google's JSON for the fields set; unlimited duration (0) left out, as Cloud Tasks does for a default queue. */
export function retryConfigToJson(config: Partial<RetryConfig>): Record<string, unknown> {
  const json: Record<string, unknown> = {};
  if (config.maxAttempts !== undefined) json.maxAttempts = config.maxAttempts;
  if (config.maxRetryDurationSeconds) json.maxRetryDuration = formatDuration(config.maxRetryDurationSeconds);
  if (config.minBackoffSeconds !== undefined) json.minBackoff = formatDuration(config.minBackoffSeconds);
  if (config.maxBackoffSeconds !== undefined) json.maxBackoff = formatDuration(config.maxBackoffSeconds);
  if (config.maxDoublings !== undefined) json.maxDoublings = config.maxDoublings;
  return json;
}
