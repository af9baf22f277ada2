import type { Node } from 'yaml';
import type { ProblemCollector } from '../deploy/problems.js';
import { describe } from '../deploy/problems.js';
import { readRetryParameters, type RetryField } from '../deploy/retry-parameters.js';
import { SCHEDULER_LIMITS } from './defaults.js';
import type { CronRetryParameters } from './types.js';

const { maxRetryCount } = SCHEDULER_LIMITS;
const notNegative = (key: string) => (n: number) => (n < 0 ? `${key} must not be less than zero, got ${n}` : undefined);

/** A cron job's retry_parameters keys (croninfo.py's RetryParameters), with Cloud Scheduler's limit of 5 retries. */
const CRON_RETRY_FIELDS: Record<string, RetryField> = {
  job_retry_limit: {
    type: 'whole',
    property: 'jobRetryLimit',
    malformed: (raw) => `job_retry_limit must be a whole number from 0 to ${maxRetryCount}, got ${describe(raw)}`,
    check: (n) =>
      n < 0 || n > maxRetryCount
        ? `job_retry_limit must be from 0 to ${maxRetryCount} (Cloud Scheduler retries a run at most 5 times), got ${n}`
        : undefined,
  },
  job_age_limit: {
    type: 'age',
    property: 'jobAgeLimit',
    check: (seconds, raw) =>
      seconds > 0 ? undefined : `job_age_limit must be greater than zero (${describe(raw)}). Remove it for no age limit.`,
  },
  min_backoff_seconds: { type: 'seconds', property: 'minBackoffSeconds', check: notNegative('min_backoff_seconds') },
  max_backoff_seconds: { type: 'seconds', property: 'maxBackoffSeconds', check: notNegative('max_backoff_seconds') },
  max_doublings: { type: 'whole', property: 'maxDoublings', check: notNegative('max_doublings') },
};

/** A cron job's `retry_parameters`, each problem at its line. */
export function validateCronRetry(node: Node | null, job: string, problems: ProblemCollector): CronRetryParameters | undefined {
  return readRetryParameters(
    node,
    {
      owner: `cron job "${job}"`,
      fields: CRON_RETRY_FIELDS,
      minAboveMax: (min, max) => `min_backoff_seconds must not be greater than max_backoff_seconds (${min} > ${max})`,
    },
    problems,
  ) as CronRetryParameters | undefined;
}
