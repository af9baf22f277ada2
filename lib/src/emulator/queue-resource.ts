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
import { formatDuration, formatTimestamp, parseDuration, message, type JsonObject } from '../contract/proto-json.js';

/** What Cloud Tasks picks for a queue created through the API without settings. */
export const API_QUEUE_DEFAULTS = {
  rateLimits: { maxDispatchesPerSecond: 500, maxBurstSize: 100, maxConcurrentDispatches: 1000 },
  retryConfig: { maxAttempts: 100, maxRetryDurationSeconds: 0, minBackoffSeconds: 0.1, maxBackoffSeconds: 3600, maxDoublings: 16 },
} satisfies { rateLimits: RateLimits; retryConfig: RetryConfig };

/**
 * max_burst_size is output only: Cloud Tasks derives it from the rate (100 at 500/s). The
 * emulator uses rate / 5, between 1 and 100, unless queue.yaml's bucket_size set it.
 */
export function derivedBurstSize(maxDispatchesPerSecond: number): number {
  return Math.min(100, Math.max(1, Math.ceil(maxDispatchesPerSecond / 5)));
}

type Setter = (queue: QueueRecord, input: JsonObject, limits: CloudTasksLimits) => void;

/** Google's message when a value is below its minimum (a negative rate, maxAttempts -2); ours as the hint. */
const tooLow = (google: CloudTasksErrorText | undefined, hint: string) => (google ? cloudTasksError(google, hint) : invalidArgument(hint));

const positiveNumber = (value: unknown, field: string, google?: CloudTasksErrorText): number | undefined => {
  if (value === undefined || value === null || value === 0) return undefined; // proto3: 0 is "unset"
  const number = Number(value);
  if (!Number.isFinite(number) || number < 0) throw tooLow(google, `${field} must be a positive number, got ${JSON.stringify(value)}`);
  return number;
};

const integer = (value: unknown, field: string, min: number, google?: CloudTasksErrorText): number | undefined => {
  if (value === undefined || value === null || value === 0) return undefined;
  const number = Number(value);
  if (!Number.isInteger(number) || number < min)
    throw tooLow(google, `${field} must be an integer >= ${min}, got ${JSON.stringify(value)}`);
  return number;
};

const duration = (value: unknown, field: string): number | undefined =>
  value === undefined || value === null ? undefined : parseDuration(value, field, invalidArgument);

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
      integer(
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
  'retryConfig.maxAttempts': (queue, input) => {
    queue.retryConfig.maxAttempts =
      integer(message(input, 'retryConfig')?.maxAttempts, 'retryConfig.maxAttempts', -1, CLOUD_TASKS_ERRORS.maxAttemptsRange) ??
      API_QUEUE_DEFAULTS.retryConfig.maxAttempts;
  },
  'retryConfig.maxRetryDuration': (queue, input) => {
    const seconds = duration(message(input, 'retryConfig')?.maxRetryDuration, 'retryConfig.maxRetryDuration') ?? 0;
    if (seconds < 0) throw invalidArgument('retryConfig.maxRetryDuration must not be negative (0 means unlimited)');
    queue.retryConfig.maxRetryDurationSeconds = Math.trunc(seconds); // Cloud Tasks truncates to the second
  },
  'retryConfig.minBackoff': (queue, input) => {
    const seconds =
      duration(message(input, 'retryConfig')?.minBackoff, 'retryConfig.minBackoff') ?? API_QUEUE_DEFAULTS.retryConfig.minBackoffSeconds;
    if (seconds < 0) throw cloudTasksError(CLOUD_TASKS_ERRORS.minBackoffNegative, 'retryConfig.minBackoff must not be negative');
    queue.retryConfig.minBackoffSeconds = seconds;
  },
  'retryConfig.maxBackoff': (queue, input) => {
    const seconds =
      duration(message(input, 'retryConfig')?.maxBackoff, 'retryConfig.maxBackoff') ?? API_QUEUE_DEFAULTS.retryConfig.maxBackoffSeconds;
    if (seconds < 0) throw cloudTasksError(CLOUD_TASKS_ERRORS.maxBackoffNegative, 'retryConfig.maxBackoff must not be negative');
    queue.retryConfig.maxBackoffSeconds = seconds;
  },
  'retryConfig.maxDoublings': (queue, input) => {
    const value = message(input, 'retryConfig')?.maxDoublings;
    queue.retryConfig.maxDoublings =
      value === undefined
        ? API_QUEUE_DEFAULTS.retryConfig.maxDoublings
        : (integer(value, 'retryConfig.maxDoublings', 0, CLOUD_TASKS_ERRORS.maxDoublingsNegative) ?? 0);
  },
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

function checkBackoffs(queue: QueueRecord): void {
  const { minBackoffSeconds, maxBackoffSeconds } = queue.retryConfig;
  if (minBackoffSeconds > maxBackoffSeconds) {
    throw cloudTasksError(
      CLOUD_TASKS_ERRORS.backoffOrder,
      `retryConfig.minBackoff (${formatDuration(minBackoffSeconds)}) must not exceed retryConfig.maxBackoff (${formatDuration(maxBackoffSeconds)})`,
    );
  }
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
  checkBackoffs(next);
  return next;
}

export function queueToJson(queue: QueueRecord, enumsAsInt: boolean): Record<string, unknown> {
  const { rateLimits, retryConfig } = queue;
  return {
    name: queue.name,
    rateLimits: { ...rateLimits },
    retryConfig: {
      maxAttempts: retryConfig.maxAttempts,
      // Unlimited (0) is proto3's default, which real Cloud Tasks leaves out: a default queue has no such field.
      ...(retryConfig.maxRetryDurationSeconds ? { maxRetryDuration: formatDuration(retryConfig.maxRetryDurationSeconds) } : {}),
      minBackoff: formatDuration(retryConfig.minBackoffSeconds),
      maxBackoff: formatDuration(retryConfig.maxBackoffSeconds),
      maxDoublings: retryConfig.maxDoublings,
    },
    state: enumsAsInt ? QUEUE_STATES.indexOf(queue.state) : queue.state,
    ...(queue.purgeTimeMs === undefined ? {} : { purgeTime: formatTimestamp(queue.purgeTimeMs) }),
    ...(queue.stackdriverLoggingConfig ? { stackdriverLoggingConfig: queue.stackdriverLoggingConfig } : {}),
    ...(queue.httpTarget ? { httpTarget: httpTargetToJson(queue.httpTarget, enumsAsInt) } : {}),
  };
}
