import type { CloudTasksQueueSettings, QueueFile } from './types.js';
import { toCloudTasksQueue } from './map.js';
import { comparePlan, type DeployPlan, type DeployPlanItem } from './compare-plan.js';

/** A queue as Cloud Tasks reports it; DISABLED is what a queue.yaml upload leaves behind. */
export interface LiveQueue extends Omit<CloudTasksQueueSettings, 'state'> {
  state: CloudTasksQueueSettings['state'] | 'DISABLED' | 'STATE_UNSPECIFIED';
}

/**
 * A field the deployer manages, named as in the API's updateMask (camelCase: the REST client
 * copies the paths into the query string verbatim). `state` is changed with pause/resume.
 */
export const MANAGED_FIELDS = [
  'state',
  'rateLimits.maxDispatchesPerSecond',
  'rateLimits.maxConcurrentDispatches',
  'retryConfig.maxAttempts',
  'retryConfig.maxRetryDuration',
  'retryConfig.minBackoff',
  'retryConfig.maxBackoff',
  'retryConfig.maxDoublings',
] as const;
export type QueueField = (typeof MANAGED_FIELDS)[number];

export interface FieldChange {
  field: QueueField;
  from: string | number;
  to: string | number;
}

export type QueuePlanItem = DeployPlanItem<CloudTasksQueueSettings, LiveQueue, FieldChange>;

export interface PlanOptions {
  /** Pause live queues that queue.yaml does not list. @default false (they are only reported) */
  pauseMissing?: boolean;
}

export type QueuePlan = DeployPlan<QueuePlanItem>;

/** Compares the file's queues with the live ones; pure, so a plan is easy to test and to print. */
export function planQueues(file: QueueFile, live: LiveQueue[], options: PlanOptions = {}): QueuePlan {
  return comparePlan(file.file, {
    desired: file.queues.map((def) => ({ name: def.name, desired: toCloudTasksQueue(def), position: def.position })),
    live,
    diff: diffQueue,
    activeState: 'RUNNING',
    pauseMissing: options.pauseMissing,
  });
}

/** Fields whose live value differs from the file's. */
export function diffQueue(desired: CloudTasksQueueSettings, live: LiveQueue): FieldChange[] {
  const changes: FieldChange[] = [];
  // Rates can be tiny (6/m, 2000/d): compare numbers relatively, or 0.0231/s and 0.0235/s would look equal.
  const cmpNumber = (field: QueueField, from: number, to: number) => {
    if (Math.abs(from - to) > Math.max(1e-9, Math.abs(to) * 1e-6)) changes.push({ field, from, to });
  };
  // Durations travel as seconds + nanos: a millisecond is plenty. Cloud Tasks documents these as
  // "truncated to the nearest second", so a live value equal to the file's whole seconds is what
  // applying the file gave (the default 0.1 s min backoff read back as 0 s), not drift that every
  // later check would report.
  const cmpDuration = (field: QueueField, from: number, to: number) => {
    const differs = (target: number) => Math.abs(from - target) > 1e-3;
    if (differs(to) && differs(Math.trunc(to))) changes.push({ field, from: `${fmt(from)}s`, to: `${fmt(to)}s` });
  };
  if (live.state !== desired.state) changes.push({ field: 'state', from: live.state, to: desired.state });
  // A paused `rate: 0` queue keeps whatever rate it had: Cloud Tasks has no rate of 0, pausing is the equivalent.
  if (desired.state === 'RUNNING')
    cmpNumber('rateLimits.maxDispatchesPerSecond', live.rateLimits.maxDispatchesPerSecond, desired.rateLimits.maxDispatchesPerSecond);
  cmpNumber('rateLimits.maxConcurrentDispatches', live.rateLimits.maxConcurrentDispatches, desired.rateLimits.maxConcurrentDispatches);
  const [l, d] = [live.retryConfig, desired.retryConfig];
  cmpNumber('retryConfig.maxAttempts', l.maxAttempts, d.maxAttempts);
  cmpDuration('retryConfig.maxRetryDuration', l.maxRetryDurationSeconds, d.maxRetryDurationSeconds);
  cmpDuration('retryConfig.minBackoff', l.minBackoffSeconds, d.minBackoffSeconds);
  cmpDuration('retryConfig.maxBackoff', l.maxBackoffSeconds, d.maxBackoffSeconds);
  cmpNumber('retryConfig.maxDoublings', l.maxDoublings, d.maxDoublings);
  return changes;
}

function fmt(n: number): string {
  return String(Math.round(n * 1000) / 1000);
}
