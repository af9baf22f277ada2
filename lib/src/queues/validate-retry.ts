import type { Node } from 'yaml';
import type { ProblemCollector } from '../deploy/problems.js';
import { describe } from '../deploy/problems.js';
import { readRetryParameters, type RetryField } from '../deploy/retry-parameters.js';
import type { RetryParameters } from './types.js';

/** A queue's retry_parameters keys, with App Engine's own messages (queueinfo.py's TranslateRetryParameters). */
const QUEUE_RETRY_FIELDS: Record<string, RetryField> = {
  task_retry_limit: {
    type: 'whole',
    property: 'taskRetryLimit',
    check: (n) => (n < 0 ? 'Task retry limit must not be less than zero. Remove task_retry_limit for unlimited retries.' : undefined),
  },
  task_age_limit: {
    type: 'age',
    property: 'taskAgeLimit',
    malformed: (raw) =>
      `Task Age_Limit must be in s (seconds), m (minutes), h (hours) or d (days): got ${describe(raw)}; write e.g. 2d, 1.5h, 30m or 45s`,
    check: (seconds, raw) =>
      seconds > 0
        ? undefined
        : `Task age limit must be greater than zero (${describe(raw)} is under a second). Remove task_age_limit for no age limit.`,
  },
  min_backoff_seconds: {
    type: 'seconds',
    property: 'minBackoffSeconds',
    check: (n) => (n < 0 ? 'Min backoff seconds must not be less than zero.' : undefined),
  },
  max_backoff_seconds: {
    type: 'seconds',
    property: 'maxBackoffSeconds',
    check: (n) => (n < 0 ? 'Max backoff seconds must not be less than zero.' : undefined),
  },
  max_doublings: {
    type: 'whole',
    property: 'maxDoublings',
    check: (n) => (n < 0 ? 'Max doublings must not be less than zero.' : undefined),
  },
};

/** Validates a queue's `retry_parameters` with App Engine's rules, in its words, plus what to write instead. */
export function validateRetryParameters(node: Node | null, queue: string, problems: ProblemCollector): RetryParameters | undefined {
  return readRetryParameters(
    node,
    {
      owner: `queue "${queue}"`,
      fields: QUEUE_RETRY_FIELDS,
      minAboveMax: (min, max) => `Min backoff sec must not be greater than max backoff sec (${min} > ${max}).`,
    },
    problems,
  ) as RetryParameters | undefined;
}
