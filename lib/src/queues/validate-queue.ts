import type { Node } from 'yaml';
import { asNumber, describe, type ProblemCollector, scalarValue } from '../deploy/problems.js';
import { parseRate } from '../deploy/units.js';
import type { EntryFields } from '../deploy/yaml-entries.js';
import { APP_ENGINE_LIMITS } from './defaults.js';
import type { QueueDefinition } from './types.js';
import { validateRetryParameters } from './validate-retry.js';

export const QUEUE_KEYS = [
  'name',
  'mode',
  'rate',
  'bucket_size',
  'max_concurrent_requests',
  'retry_parameters',
  'target',
  'acl',
  'dead_letter_queue',
] as const;

export type QueueKey = (typeof QUEUE_KEYS)[number];

/**
 * Validates one entry of the `queue:` list. Reports every problem it finds and returns the
 * definition only when the entry is usable (a name, a rate, push mode, no errors).
 */
export function validateQueueEntry(entry: EntryFields<QueueKey>, problems: ProblemCollector): QueueDefinition | undefined {
  const { node, has, value: valueNode, at } = entry;

  const rawName = scalarValue(valueNode('name'));
  const name = validateName(rawName, at('name'), problems);
  const label = name ?? String(rawName ?? '(unnamed)');

  const mode = scalarValue(valueNode('mode')) ?? 'push';
  if (mode === 'pull') {
    problems.error(
      at('mode'),
      'mode',
      `queue "${label}" is a pull queue: Cloud Tasks has no pull queues (only App Engine did). Remove it, or use Pub/Sub for pull-style work.`,
    );
    return undefined;
  }
  if (mode !== 'push')
    problems.error(
      at('mode'),
      'mode',
      `Value ${describe(mode)} for mode does not match expression "(pull)|(push)"; Cloud Tasks supports push only: remove mode or write "mode: push"`,
    );

  const rate = validateRate(scalarValue(valueNode('rate')), at('rate'), label, problems);

  /** The field as a whole number from `min` to `max`; undefined when absent, or after an error naming it. */
  const wholeNumber = (k: 'bucket_size' | 'max_concurrent_requests', min: number, max: number): number | undefined => {
    if (!has(k)) return undefined;
    const raw = scalarValue(valueNode(k));
    const n = asNumber(raw);
    if (n !== undefined && Number.isInteger(n) && n >= min && n <= max) return n;
    problems.error(at(k), k, `${k} must be a whole number from ${min} to ${max}, got ${describe(raw)}`);
    return undefined;
  };

  const bucketSize = wholeNumber('bucket_size', 0, APP_ENGINE_LIMITS.maxBucketSize);
  if (bucketSize !== undefined) {
    problems.warning(
      at('bucket_size'),
      'bucket_size',
      `bucket_size cannot be set through the Cloud Tasks API (max_burst_size is output-only; Cloud Tasks derives it from the rate): ${bucketSize} is ignored`,
    );
  }
  const maxConcurrentRequests = wholeNumber('max_concurrent_requests', 1, APP_ENGINE_LIMITS.maxConcurrentRequests);

  const retryParameters = has('retry_parameters') ? validateRetryParameters(valueNode('retry_parameters'), label, problems) : undefined;

  let target: string | undefined;
  if (has('target')) {
    target = String(scalarValue(valueNode('target')) ?? '');
    problems.warning(
      at('target'),
      'target',
      `target cannot be set through the Cloud Tasks API for HTTP tasks: "${target}" is ignored (each task's URL comes from defer())`,
    );
  }
  if (has('acl')) {
    problems.warning(at('acl'), 'acl', 'acl is ignored by Cloud Tasks: grant roles/cloudtasks.enqueuer on the queue with IAM instead');
  }

  const deadLetterQueue = has('dead_letter_queue')
    ? validateDeadLetterQueue(scalarValue(valueNode('dead_letter_queue')), at('dead_letter_queue'), name, problems)
    : undefined;

  if (name === undefined || rate === undefined || entry.hasErrors()) return undefined;
  return {
    name,
    mode: 'push',
    rate,
    ...(bucketSize !== undefined && { bucketSize }),
    ...(maxConcurrentRequests !== undefined && { maxConcurrentRequests }),
    ...(retryParameters && Object.keys(retryParameters).length > 0 && { retryParameters }),
    ...(target !== undefined && { target }),
    ...(deadLetterQueue && { deadLetterQueue }),
    position: problems.at(node),
  };
}

/** Suffix of the dead-letter queue that `dead_letter_queue: true` names. */
export const DEAD_LETTER_QUEUE_SUFFIX = '-dead-letter';

/** `dead_letter_queue`: true (the conventional name), false (none) or a queue name. */
function validateDeadLetterQueue(
  value: unknown,
  at: Node,
  queue: string | undefined,
  problems: ProblemCollector,
): QueueDefinition['deadLetterQueue'] {
  if (value === false) return undefined;
  if (value === true) {
    if (queue === undefined) return undefined; // the name's own error says what is wrong
    const name = `${queue}${DEAD_LETTER_QUEUE_SUFFIX}`;
    if (name.length > 100) {
      const why = `dead_letter_queue: true would name the queue "${name}", ${name.length} characters (the maximum is 100)`;
      problems.error(at, 'dead_letter_queue', `${why}: write its name instead, e.g. "dead_letter_queue: ${queue.slice(0, 60)}-dlq"`);
      return undefined;
    }
    return { name, position: problems.at(at) };
  }
  if (typeof value !== 'string' || !APP_ENGINE_LIMITS.namePattern.test(value)) {
    const conventional = `${queue ?? '<name>'}${DEAD_LETTER_QUEUE_SUFFIX}`;
    problems.error(
      at,
      'dead_letter_queue',
      `dead_letter_queue must be true (the queue "${conventional}"), false (none) ` +
        `or a queue name (letters, digits and hyphens, up to 100), got ${describe(value ?? null)}`,
    );
    return undefined;
  }
  if (value === queue) {
    const fix = 'name another queue, or write "dead_letter_queue: true"';
    problems.error(at, 'dead_letter_queue', `queue "${queue}" cannot be its own dead-letter queue: its dead tasks would run again; ${fix}`);
    return undefined;
  }
  return { name: value, position: problems.at(at) };
}

function validateName(value: unknown, at: Node, problems: ProblemCollector): string | undefined {
  if (value === undefined || value === null || value === '') {
    problems.error(at, 'name', 'Missing required value "name": every queue needs a name (letters, digits and hyphens, up to 100)');
    return undefined;
  }
  const name = String(value);
  if (!APP_ENGINE_LIMITS.namePattern.test(name)) {
    const why =
      name.length > 100 ? `it is ${name.length} characters long, the maximum is 100` : 'only letters, digits and hyphens are allowed';
    problems.error(at, 'name', `Value "${name}" for name does not match expression "^[A-Za-z0-9-]{1,100}$": ${why}`);
    return undefined;
  }
  return name;
}

function validateRate(value: unknown, at: Node, queue: string, problems: ProblemCollector): QueueDefinition['rate'] | undefined {
  if (value === undefined || value === null) {
    problems.error(
      at,
      'rate',
      `Missing required value "rate" for push queue "${queue}": write e.g. "rate: 5/s" (or "rate: 0" to keep the queue paused)`,
    );
    return undefined;
  }
  const text = String(value).trim();
  const perSecond = parseRate(text);
  if (perSecond === undefined) {
    problems.error(at, 'rate', `Rate "${text}" is invalid: write a number per s, m, h or d (e.g. 5/s, 6/m, 100/h) or 0 to pause`);
    return undefined;
  }
  if (perSecond > APP_ENGINE_LIMITS.maxRatePerSecond) {
    problems.error(
      at,
      'rate',
      `Rate "${text}" is invalid: the maximum is ${APP_ENGINE_LIMITS.maxRatePerSecond}/s per queue; split the work over several queues`,
    );
    return undefined;
  }
  return { perSecond, text };
}
