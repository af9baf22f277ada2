import { APP_ENGINE_DEFAULTS } from './defaults.js';
import type { CloudTasksQueueSettings, QueueDefinition } from './types.js';
import { effectiveBackoff } from '../contract/queue-settings.js';

/**
 * The Cloud Tasks settings App Engine itself would give this queue.yaml entry: every field is
 * filled in with App Engine's default, so a plan compares complete settings, never "unset".
 */
export function toCloudTasksQueue(def: QueueDefinition): CloudTasksQueueSettings {
  const retry = def.retryParameters;
  const backoff = effectiveBackoff(retry, APP_ENGINE_DEFAULTS);
  return {
    name: def.name,
    // App Engine's `rate: 0` keeps tasks in the queue without running them: a paused queue.
    state: def.rate.perSecond === 0 ? 'PAUSED' : 'RUNNING',
    rateLimits: {
      maxDispatchesPerSecond: def.rate.perSecond,
      maxConcurrentDispatches: def.maxConcurrentRequests ?? APP_ENGINE_DEFAULTS.maxConcurrentRequests,
      maxBurstSize: def.bucketSize ?? APP_ENGINE_DEFAULTS.bucketSize,
    },
    retryConfig: {
      // task_retry_limit counts retries, max_attempts counts the first attempt too.
      maxAttempts: retry?.taskRetryLimit !== undefined ? retry.taskRetryLimit + 1 : APP_ENGINE_DEFAULTS.maxAttempts,
      maxRetryDurationSeconds: retry?.taskAgeLimit?.seconds ?? APP_ENGINE_DEFAULTS.maxRetryDurationSeconds,
      minBackoffSeconds: backoff.min,
      maxBackoffSeconds: backoff.max,
      maxDoublings: retry?.maxDoublings ?? APP_ENGINE_DEFAULTS.maxDoublings,
    },
  };
}
