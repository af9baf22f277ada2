import { isMap, isScalar, type Node, type Pair } from 'yaml';
import { APP_ENGINE_DEFAULTS } from './defaults.js';
import { asNumber, describe, type ProblemCollector, scalarValue } from './problems.js';
import type { RetryParameters } from './types.js';
import { parseAgeLimit } from './units.js';

export const RETRY_PARAMETER_KEYS = [
  'task_retry_limit',
  'task_age_limit',
  'min_backoff_seconds',
  'max_backoff_seconds',
  'max_doublings',
] as const;

/**
 * Validates a queue's `retry_parameters` with App Engine's rules (queueinfo.py's
 * TranslateRetryParameters), in its words, plus what to write instead.
 */
export function validateRetryParameters(node: Node | null, queue: string, problems: ProblemCollector): RetryParameters | undefined {
  if (node == null || (isScalar(node) && node.value == null)) return undefined; // `retry_parameters:` with nothing under it
  if (!isMap(node)) {
    problems.error(
      node,
      'retry_parameters',
      `retry_parameters of queue "${queue}" must be a mapping of ${RETRY_PARAMETER_KEYS.join(', ')}`,
    );
    return undefined;
  }
  const out: RetryParameters = {};
  const nodes: Partial<Record<(typeof RETRY_PARAMETER_KEYS)[number], Node>> = {};
  for (const pair of node.items as Pair<Node, Node>[]) {
    const key = String(scalarValue(pair.key));
    const value = scalarValue(pair.value);
    const at = pair.value ?? pair.key;
    const where = `retry_parameters.${key}`;
    switch (key) {
      case 'task_retry_limit': {
        const n = asNumber(value);
        if (n === undefined || !Number.isInteger(n))
          problems.error(at, where, `task_retry_limit must be a whole number, got ${describe(value)}`);
        else if (n < 0)
          problems.error(at, where, 'Task retry limit must not be less than zero. Remove task_retry_limit for unlimited retries.');
        else out.taskRetryLimit = n;
        break;
      }
      case 'task_age_limit': {
        const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value : '';
        const seconds = parseAgeLimit(text);
        if (seconds === undefined) {
          problems.error(
            at,
            where,
            `Task Age_Limit must be in s (seconds), m (minutes), h (hours) or d (days): got ${describe(value)}; write e.g. 2d, 1.5h, 30m or 45s`,
          );
        } else if (!(seconds > 0)) {
          problems.error(
            at,
            where,
            `Task age limit must be greater than zero (${describe(value)} is under a second). Remove task_age_limit for no age limit.`,
          );
        } else out.taskAgeLimit = { seconds, text: text.trim() };
        break;
      }
      case 'min_backoff_seconds':
      case 'max_backoff_seconds': {
        const n = asNumber(value);
        const label = key === 'min_backoff_seconds' ? 'Min' : 'Max';
        if (n === undefined) problems.error(at, where, `${key} must be a number of seconds, got ${describe(value)}`);
        else if (n < 0) problems.error(at, where, `${label} backoff seconds must not be less than zero.`);
        else {
          if (key === 'min_backoff_seconds') out.minBackoffSeconds = n;
          else out.maxBackoffSeconds = n;
          nodes[key] = at;
        }
        break;
      }
      case 'max_doublings': {
        const n = asNumber(value);
        if (n === undefined || !Number.isInteger(n))
          problems.error(at, where, `max_doublings must be a whole number, got ${describe(value)}`);
        else if (n < 0) problems.error(at, where, 'Max doublings must not be less than zero.');
        else out.maxDoublings = n;
        break;
      }
      default:
        problems.error(
          pair.key as Node,
          where,
          `Unknown key "${key}" in retry_parameters of queue "${queue}"; allowed keys: ${RETRY_PARAMETER_KEYS.join(', ')}`,
        );
    }
  }
  if (out.minBackoffSeconds !== undefined && out.maxBackoffSeconds !== undefined && out.minBackoffSeconds > out.maxBackoffSeconds) {
    problems.error(
      nodes.min_backoff_seconds,
      'retry_parameters.min_backoff_seconds',
      `Min backoff sec must not be greater than max backoff sec (${out.minBackoffSeconds} > ${out.maxBackoffSeconds}).`,
    );
  }
  return out;
}

/**
 * The backoff pair Cloud Tasks gets. With only one of the two set, App Engine moves the other
 * default out of the way instead of failing: a lone min above the default max raises max to it,
 * a lone max below the default min lowers min to it (queueinfo.py, TranslateRetryParameters).
 * cron.yaml's retry_parameters follow the same rule, with Cloud Scheduler's defaults.
 */
export function effectiveBackoff(
  retry: Pick<RetryParameters, 'minBackoffSeconds' | 'maxBackoffSeconds'> | undefined,
  defaults: { minBackoffSeconds: number; maxBackoffSeconds: number } = APP_ENGINE_DEFAULTS,
): { min: number; max: number } {
  const min = retry?.minBackoffSeconds;
  const max = retry?.maxBackoffSeconds;
  if (min !== undefined && max !== undefined) return { min, max };
  if (min !== undefined) return { min, max: Math.max(min, defaults.maxBackoffSeconds) };
  if (max !== undefined) return { min: Math.min(max, defaults.minBackoffSeconds), max };
  return { min: defaults.minBackoffSeconds, max: defaults.maxBackoffSeconds };
}
