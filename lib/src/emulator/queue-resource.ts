/**
 * The Queue resource: defaults, validation and updateMask as Cloud Tasks applies them, and its
 * JSON form. Only the fields the emulator honours are accepted; an unknown mask path is an error
 * rather than a silent no-op.
 */
import { CLOUD_TASKS_ERRORS, type CloudTasksErrorText } from '../contract/cloud-tasks-messages.js';
import { cloudTasksError, invalidArgument } from './api-error.js';
import type { CloudTasksLimits } from './options.js';
import { httpTargetToJson, parseQueueHttpTarget, type QueueHttpTarget } from './queue-http-target.js';

const HTTP_TARGET_PARTS: (keyof QueueHttpTarget)[] = ['uriOverride', 'httpMethod', 'headerOverrides', 'oidcToken', 'oauthToken'];
import { QUEUE_STATES, type QueueRecord, type RateLimits, type RetryConfig } from './model.js';
import { formatTimestamp, message, type JsonObject } from '../contract/proto-json.js';
import {
  checkBackoffOrder,
  DEFAULT_RETRY_CONFIG,
  integerField,
  readRetryField,
  retryConfigToJson,
  retryKey,
  RETRY_FIELDS,
  tooLow,
} from './retry-config.js';

/** What Cloud Tasks picks for a queue created through the API without settings. */
export const API_QUEUE_DEFAULTS = {
  rateLimits: { maxDispatchesPerSecond: 500, maxBurstSize: 100, maxConcurrentDispatches: 1000 },
  retryConfig: DEFAULT_RETRY_CONFIG,
} satisfies { rateLimits: RateLimits; retryConfig: RetryConfig };

/**
 * max_burst_size is output only: Cloud Tasks derives it from the rate (100 at 500/s). The
 * emulator uses rate / 5, between 1 and 100, unless queue.yaml's bucket_size set it.
 */
export function derivedBurstSize(maxDispatchesPerSecond: number): number {
  return Math.min(100, Math.max(1, Math.ceil(maxDispatchesPerSecond / 5)));
}

type Setter = (queue: QueueRecord, input: JsonObject, limits: CloudTasksLimits) => void;

const positiveNumber = (value: unknown, field: string, google?: CloudTasksErrorText): number | undefined => {
  if (value === undefined || value === null || value === 0) return undefined; // proto3: 0 is "unset"
  const number = Number(value);
  if (!Number.isFinite(number) || number < 0) throw tooLow(google, `${field} must be a positive number, got ${JSON.stringify(value)}`);
  return number;
};

/** One setter per updateMask path (camelCase, as google-gax sends it). */
const SETTERS: Record<string, Setter> = {
  'rateLimits.maxDispatchesPerSecond': (queue, input, limits) => {
    const rate =
      positiveNumber(
        message(input, 'rateLimits')?.maxDispatchesPerSecond,
        'rateLimits.maxDispatchesPerSecond',
        CLOUD_TASKS_ERRORS.rateNegative,
      ) ?? API_QUEUE_DEFAULTS.rateLimits.maxDispatchesPerSecond;
    if (rate > limits.maxDispatchesPerSecond) {
      throw cloudTasksError(
        CLOUD_TASKS_ERRORS.rateTooHigh,
        `rateLimits.maxDispatchesPerSecond is ${rate}, over Cloud Tasks' maximum of ${limits.maxDispatchesPerSecond} per queue; lower it or spread the work over several queues`,
      );
    }
    queue.rateLimits.maxDispatchesPerSecond = rate;
    queue.rateLimits.maxBurstSize = derivedBurstSize(rate);
  },
  'rateLimits.maxConcurrentDispatches': (queue, input, limits) => {
    const max =
      integerField(
        message(input, 'rateLimits')?.maxConcurrentDispatches,
        'rateLimits.maxConcurrentDispatches',
        1,
        CLOUD_TASKS_ERRORS.concurrentNegative,
      ) ?? API_QUEUE_DEFAULTS.rateLimits.maxConcurrentDispatches;
    if (max > limits.maxConcurrentDispatches) {
      throw cloudTasksError(
        CLOUD_TASKS_ERRORS.concurrentTooHigh,
        `rateLimits.maxConcurrentDispatches is ${max}, over Cloud Tasks' maximum of ${limits.maxConcurrentDispatches}`,
      );
    }
    queue.rateLimits.maxConcurrentDispatches = max;
  },
  ...Object.fromEntries(
    RETRY_FIELDS.map((field): [string, Setter] => [
      `retryConfig.${field}`,
      (queue, input) => {
        const key = retryKey(field);
        queue.retryConfig[key] = readRetryField(message(input, 'retryConfig'), field, 'retryConfig') ?? DEFAULT_RETRY_CONFIG[key];
      },
    ]),
  ),
  httpTarget: (queue, input) => {
    queue.httpTarget = parseQueueHttpTarget(input.httpTarget);
  },
  ...Object.fromEntries(
    HTTP_TARGET_PARTS.map((part): [string, Setter] => [
      `httpTarget.${part}`,
      (queue, input) => {
        queue.httpTarget = parseQueueHttpTarget(input.httpTarget, queue.httpTarget, part);
      },
    ]),
  ),
  'stackdriverLoggingConfig.samplingRatio': (queue, input) => {
    const ratio = Number(message(input, 'stackdriverLoggingConfig')?.samplingRatio ?? 0);
    if (!(ratio >= 0 && ratio <= 1)) throw invalidArgument('stackdriverLoggingConfig.samplingRatio must be between 0 and 1');
    queue.stackdriverLoggingConfig = { samplingRatio: ratio };
  },
};

const GROUPS: Record<string, string[]> = {
  rateLimits: Object.keys(SETTERS).filter((path) => path.startsWith('rateLimits.')),
  retryConfig: Object.keys(SETTERS).filter((path) => path.startsWith('retryConfig.')),
  stackdriverLoggingConfig: ['stackdriverLoggingConfig.samplingRatio'],
};

const snakeToCamel = (path: string) => path.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());

/** Mask paths to setters; whole messages ("retryConfig") expand to their fields. */
function expandMask(paths: string[]): string[] {
  return paths.flatMap((raw) => {
    const path = snakeToCamel(raw.trim());
    if (path in SETTERS) return [path];
    if (path in GROUPS) return GROUPS[path];
    if (path === 'rateLimits.maxBurstSize') return []; // output only: ignored, as Cloud Tasks does
    throw invalidArgument(
      `updateMask path "${raw}" is not supported; use one of: ${[...Object.keys(GROUPS), ...Object.keys(SETTERS)].join(', ')} (state changes through :pause and :resume)`,
    );
  });
}

/** Fields the request body actually carries, when it comes without an updateMask. */
function presentPaths(input: JsonObject): string[] {
  return Object.keys(SETTERS).filter((path) => {
    if (path.startsWith('httpTarget')) return path === 'httpTarget' && input.httpTarget !== undefined && input.httpTarget !== null;
    const [group, field] = path.split('.');
    return message(input, group)?.[field] !== undefined;
  });
}

export function newQueue(name: string): QueueRecord {
  return {
    name,
    state: 'RUNNING',
    rateLimits: { ...API_QUEUE_DEFAULTS.rateLimits },
    retryConfig: { ...API_QUEUE_DEFAULTS.retryConfig },
    source: 'api',
  };
}

/**
 * Applies a request body to a queue. Without `mask`, every field present in the body is set
 * (CreateQueue, or UpdateQueue without updateMask); with one, exactly the masked fields are.
 */
export function applyQueueInput(queue: QueueRecord, input: JsonObject, limits: CloudTasksLimits, mask?: string[]): QueueRecord {
  const next: QueueRecord = structuredClone(queue);
  for (const path of mask ? expandMask(mask) : presentPaths(input)) SETTERS[path](next, input, limits);
  checkBackoffOrder(next.retryConfig, 'retryConfig');
  return next;
}

export function queueToJson(queue: QueueRecord, enumsAsInt: boolean): Record<string, unknown> {
  const { rateLimits, retryConfig } = queue;
  return {
    name: queue.name,
    rateLimits: { ...rateLimits },
    // Unlimited duration (0) is proto3's default, which real Cloud Tasks leaves out: a default queue has no such field.
    retryConfig: retryConfigToJson(retryConfig),
    state: enumsAsInt ? QUEUE_STATES.indexOf(queue.state) : queue.state,
    ...(queue.purgeTimeMs === undefined ? {} : { purgeTime: formatTimestamp(queue.purgeTimeMs) }),
    ...(queue.stackdriverLoggingConfig ? { stackdriverLoggingConfig: queue.stackdriverLoggingConfig } : {}),
    ...(queue.httpTarget ? { httpTarget: httpTargetToJson(queue.httpTarget, enumsAsInt) } : {}),
  };
}
