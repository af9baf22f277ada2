import { shortId } from '../contract/names.js';
import { durationObject } from '../contract/proto-json.js';
import { enumName, retryDurations, type DurationLike } from '../deploy/api-resource.js';
import type { LiveQueue, QueueField } from './queue-resource.js';
import type { CloudTasksQueueSettings } from './types.js';

/**
 * Conversions between our settings (seconds as numbers, short names) and the Queue resource the
 * client takes and returns (read in every form the clients give: deploy/api-resource.ts).
 */

export interface QueueResource {
  name?: string | null;
  state?: unknown;
  rateLimits?: { maxDispatchesPerSecond?: number | null; maxConcurrentDispatches?: number | null; maxBurstSize?: number | null } | null;
  retryConfig?: {
    maxAttempts?: number | null;
    maxRetryDuration?: DurationLike;
    minBackoff?: DurationLike;
    maxBackoff?: DurationLike;
    maxDoublings?: number | null;
  } | null;
}

const STATES = ['STATE_UNSPECIFIED', 'RUNNING', 'PAUSED', 'DISABLED'] as const;

/** A queue as Cloud Tasks returned it, in our terms. Unset numbers read as 0, as proto3 does. */
export function fromQueueResource(q: QueueResource): LiveQueue {
  const r = q.retryConfig ?? {};
  return {
    name: shortId(String(q.name ?? '')),
    state: enumName(STATES, q.state),
    rateLimits: {
      maxDispatchesPerSecond: q.rateLimits?.maxDispatchesPerSecond ?? 0,
      maxConcurrentDispatches: q.rateLimits?.maxConcurrentDispatches ?? 0,
      maxBurstSize: q.rateLimits?.maxBurstSize ?? 0,
    },
    retryConfig: {
      maxAttempts: r.maxAttempts ?? 0,
      ...retryDurations(r, { min: 'minBackoff', max: 'maxBackoff' }),
      maxDoublings: r.maxDoublings ?? 0,
    },
  };
}

/**
 * The Queue resource to send. maxBurstSize is output-only, so it is never sent; a paused
 * `rate: 0` queue sends no rate (Cloud Tasks has no zero rate: the pause is what stops it).
 * With `fields`, only those fields are included (they must match the updateMask).
 */
export function toQueueResource(settings: CloudTasksQueueSettings, path: string, fields?: readonly QueueField[]) {
  const want = (f: QueueField) => !fields || fields.includes(f);
  const r = settings.retryConfig;
  const rateLimits: Record<string, number> = {};
  if (want('rateLimits.maxDispatchesPerSecond') && settings.rateLimits.maxDispatchesPerSecond > 0)
    rateLimits.maxDispatchesPerSecond = settings.rateLimits.maxDispatchesPerSecond;
  if (want('rateLimits.maxConcurrentDispatches')) rateLimits.maxConcurrentDispatches = settings.rateLimits.maxConcurrentDispatches;
  const retryConfig: Record<string, unknown> = {};
  if (want('retryConfig.maxAttempts')) retryConfig.maxAttempts = r.maxAttempts;
  if (want('retryConfig.maxRetryDuration')) retryConfig.maxRetryDuration = durationObject(r.maxRetryDurationSeconds);
  if (want('retryConfig.minBackoff')) retryConfig.minBackoff = durationObject(r.minBackoffSeconds);
  if (want('retryConfig.maxBackoff')) retryConfig.maxBackoff = durationObject(r.maxBackoffSeconds);
  if (want('retryConfig.maxDoublings')) retryConfig.maxDoublings = r.maxDoublings;
  return {
    name: path,
    ...(Object.keys(rateLimits).length > 0 && { rateLimits }),
    ...(Object.keys(retryConfig).length > 0 && { retryConfig }),
  };
}
