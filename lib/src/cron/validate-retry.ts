import { isMap, isScalar, type Node, type Pair } from 'yaml';
import { asNumber, describe, type ProblemCollector, scalarValue } from '../queues/problems.js';
import { parseAgeLimit } from '../queues/units.js';
import { SCHEDULER_LIMITS } from './defaults.js';
import type { CronRetryParameters } from './types.js';

export const CRON_RETRY_KEYS = ['job_retry_limit', 'job_age_limit', 'min_backoff_seconds', 'max_backoff_seconds', 'max_doublings'] as const;

/**
 * A cron job's `retry_parameters`, with App Engine's rules (croninfo.py's RetryParameters) and
 * Cloud Scheduler's limit of 5 retries, each problem at its line.
 */
export function validateCronRetry(node: Node | null, job: string, problems: ProblemCollector): CronRetryParameters | undefined {
  if (node == null || (isScalar(node) && node.value == null)) return undefined;
  if (!isMap(node)) {
    problems.error(node, 'retry_parameters', `retry_parameters of cron job "${job}" must be a mapping of ${CRON_RETRY_KEYS.join(', ')}`);
    return undefined;
  }
  const out: CronRetryParameters = {};
  let minAt: Node | undefined;
  for (const pair of node.items as Pair<Node, Node>[]) {
    const key = String(scalarValue(pair.key));
    const value = scalarValue(pair.value);
    const at = pair.value ?? pair.key;
    const where = `retry_parameters.${key}`;
    const n = asNumber(value);
    switch (key) {
      case 'job_retry_limit':
        if (n === undefined || !Number.isInteger(n))
          problems.error(
            at,
            where,
            `job_retry_limit must be a whole number from 0 to ${SCHEDULER_LIMITS.maxRetryCount}, got ${describe(value)}`,
          );
        else if (n < 0 || n > SCHEDULER_LIMITS.maxRetryCount) {
          problems.error(
            at,
            where,
            `job_retry_limit must be from 0 to ${SCHEDULER_LIMITS.maxRetryCount} (Cloud Scheduler retries a run at most 5 times), got ${n}`,
          );
        } else out.jobRetryLimit = n;
        break;
      case 'job_age_limit': {
        const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value : '';
        const seconds = parseAgeLimit(text);
        if (seconds === undefined)
          problems.error(at, where, `job_age_limit must be in s, m, h or d: got ${describe(value)}; write e.g. 2d, 1.5h, 30m or 45s`);
        else if (!(seconds > 0))
          problems.error(at, where, `job_age_limit must be greater than zero (${describe(value)}). Remove it for no age limit.`);
        else out.jobAgeLimit = { seconds, text: text.trim() };
        break;
      }
      case 'min_backoff_seconds':
      case 'max_backoff_seconds':
        if (n === undefined) problems.error(at, where, `${key} must be a number of seconds, got ${describe(value)}`);
        else if (n < 0) problems.error(at, where, `${key} must not be less than zero, got ${n}`);
        else if (key === 'min_backoff_seconds') {
          out.minBackoffSeconds = n;
          minAt = at;
        } else out.maxBackoffSeconds = n;
        break;
      case 'max_doublings':
        if (n === undefined || !Number.isInteger(n))
          problems.error(at, where, `max_doublings must be a whole number, got ${describe(value)}`);
        else if (n < 0) problems.error(at, where, `max_doublings must not be less than zero, got ${n}`);
        else out.maxDoublings = n;
        break;
      default:
        problems.error(
          pair.key as Node,
          where,
          `Unknown key "${key}" in retry_parameters of cron job "${job}"; allowed keys: ${CRON_RETRY_KEYS.join(', ')}`,
        );
    }
  }
  if (out.minBackoffSeconds !== undefined && out.maxBackoffSeconds !== undefined && out.minBackoffSeconds > out.maxBackoffSeconds) {
    problems.error(
      minAt,
      'retry_parameters.min_backoff_seconds',
      `min_backoff_seconds must not be greater than max_backoff_seconds (${out.minBackoffSeconds} > ${out.maxBackoffSeconds})`,
    );
  }
  return out;
}
