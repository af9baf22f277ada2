/**
 * A Cloud Tasks queue as the deploy core sees it (deploy/resource.ts): which fields a deploy
 * manages, how a live queue differs from queue.yaml's, and how one reads in a plan.
 */
import { FieldChanges, type FieldChange, type ResourceKind } from '../deploy/resource.js';
import type { CloudTasksQueueSettings } from './types.js';

/** A queue as Cloud Tasks reports it; DISABLED is what a queue.yaml upload leaves behind. */
export interface LiveQueue extends Omit<CloudTasksQueueSettings, 'state'> {
  state: CloudTasksQueueSettings['state'] | 'DISABLED' | 'STATE_UNSPECIFIED';
}

/**
 * A field the deployer manages, named as in the API's updateMask (camelCase: the REST client
 * copies the paths into the query string verbatim). `state` is changed with pause/resume.
 */
export const MANAGED_QUEUE_FIELDS = [
  'state',
  'rateLimits.maxDispatchesPerSecond',
  'rateLimits.maxConcurrentDispatches',
  'retryConfig.maxAttempts',
  'retryConfig.maxRetryDuration',
  'retryConfig.minBackoff',
  'retryConfig.maxBackoff',
  'retryConfig.maxDoublings',
] as const;
export type QueueField = (typeof MANAGED_QUEUE_FIELDS)[number];

/** A value for display: 6 significant digits, so 2000/d reads 0.0231481, not 0.023148148148148147. */
function formatValue(v: string | number): string {
  return typeof v === 'number' ? String(Number(v.toPrecision(6))) : v;
}

/** One line of a queue's settings: what validate lists and a plan's `create` shows. */
export function describeQueue(s: CloudTasksQueueSettings): string {
  const r = s.retryConfig;
  const rate = s.state === 'PAUSED' ? 'paused (rate 0)' : `${formatValue(s.rateLimits.maxDispatchesPerSecond)}/s`;
  return [
    rate,
    `max concurrent ${s.rateLimits.maxConcurrentDispatches}`,
    `max attempts ${r.maxAttempts === -1 ? 'unlimited' : r.maxAttempts}`,
    `max retry duration ${r.maxRetryDurationSeconds === 0 ? 'unlimited' : `${r.maxRetryDurationSeconds}s`}`,
    `backoff ${r.minBackoffSeconds}s..${r.maxBackoffSeconds}s`,
    `max doublings ${r.maxDoublings}`,
  ].join(', ');
}

/** Fields whose live value differs from the file's. */
function diffQueue(desired: CloudTasksQueueSettings, live: LiveQueue): FieldChange<QueueField>[] {
  const diff = new FieldChanges<QueueField>();
  const truncated = { truncatesToSeconds: true };
  diff.text('state', live.state, desired.state);
  // A paused `rate: 0` queue keeps whatever rate it had: Cloud Tasks has no rate of 0, pausing is the equivalent.
  if (desired.state === 'RUNNING')
    diff.number('rateLimits.maxDispatchesPerSecond', live.rateLimits.maxDispatchesPerSecond, desired.rateLimits.maxDispatchesPerSecond);
  diff.number('rateLimits.maxConcurrentDispatches', live.rateLimits.maxConcurrentDispatches, desired.rateLimits.maxConcurrentDispatches);
  const [l, d] = [live.retryConfig, desired.retryConfig];
  diff.number('retryConfig.maxAttempts', l.maxAttempts, d.maxAttempts);
  diff.duration('retryConfig.maxRetryDuration', l.maxRetryDurationSeconds, d.maxRetryDurationSeconds, truncated);
  diff.duration('retryConfig.minBackoff', l.minBackoffSeconds, d.minBackoffSeconds, truncated);
  diff.duration('retryConfig.maxBackoff', l.maxBackoffSeconds, d.maxBackoffSeconds, truncated);
  diff.number('retryConfig.maxDoublings', l.maxDoublings, d.maxDoublings);
  return diff.changes;
}

export const QUEUE_RESOURCE: ResourceKind<CloudTasksQueueSettings, LiveQueue, QueueField> = {
  noun: 'queue',
  plural: 'queues',
  title: 'Cloud Tasks queue plan',
  activeState: 'RUNNING',
  diff: diffQueue,
  // Each changed field is its own updateMask path.
  updateMask: (changes) => changes.map((c) => c.field).filter((field) => field !== 'state'),
  // App Engine's `rate: 0` keeps tasks without running them: a paused queue.
  isPaused: (queue) => queue.state === 'PAUSED',
  describe: describeQueue,
  formatValue,
};
