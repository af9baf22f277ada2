import { InvalidTaskOptionsError } from '../contract/errors.js';
import { headerProblem, reservedHeader } from '../contract/http-headers.js';
import { DISPATCH_DEADLINE_SECONDS, MAX_SCHEDULE_AHEAD_MS } from '../contract/limits.js';
import { QUEUE_ID, TASK_ID } from '../contract/names.js';
import type { TraceOptions } from '../runtime/trace.js';
import type { TaskRetryOptions } from './task-retry.js';

/** App Engine's `defer` options that Cloud Tasks can honour, and the trace the task carries. */
export interface DeferOptions extends TraceOptions {
  /** Queue from queue.yaml (App Engine's `_queue`). @default 'default' */
  queue?: string;
  /** Seconds from now before the first attempt (App Engine's `_countdown`). Not with `eta`. @default 0 */
  countdown?: number;
  /** Earliest time of the first attempt (App Engine's `_eta`). Not with `countdown`. At most 30 days ahead. */
  eta?: Date;
  /**
   * Task id (App Engine's `_name`), for deduplication: a second task of the same name raises
   * TaskAlreadyExistsError, even for a while after the first ended. Letters, digits, `-`, `_`.
   * @default a name Cloud Tasks picks
   */
  name?: string;
  /**
   * Path the task calls (App Engine's `_url`), in this app.
   * @default `/_ah/queue/deferred/<function id>`; `/_ah/queue/deferred_<suffix>` works too
   */
  url?: string;
  /**
   * Extra HTTP headers for the task request (App Engine's `_headers`). Names must be HTTP tokens
   * and values tab, visible ASCII, space or Latin-1 (no CR/LF/NUL, nothing above U+00FF): encode
   * user input before putting it here. Headers Cloud Tasks or the adapter set are refused.
   */
  headers?: Record<string, string>;
  /** Seconds Cloud Tasks waits for the handler's answer, 15 to 1800 (DISPATCH_DEADLINE_SECONDS). @default 600 (Cloud Tasks' default) */
  dispatchDeadline?: number;
  /**
   * This task's own retry settings (Cloud Tasks' `Task.retry_config`), instead of its queue's:
   * `{ maxAttempts, minBackoff, maxBackoff, maxDoublings, maxRetryDuration }`, durations in
   * seconds; a field left out is the queue's (queue.yaml's). The handler knows them too, so the
   * task's last attempt is still dead-lettered.
   * @default the queue's retry settings
   * @example { maxAttempts: 3, minBackoff: 5 }
   */
  retry?: TaskRetryOptions;
}

/** Options checked and resolved, ready for a transport. */
export interface ResolvedTaskOptions {
  queue: string;
  scheduleTime?: Date;
  taskId?: string;
  path: string;
  headers: Record<string, string>;
  dispatchDeadlineSeconds?: number;
}

function invalid(option: string, message: string): never {
  throw new InvalidTaskOptionsError(option, `defer(): ${message}`);
}

function resolveSchedule(options: DeferOptions, now: number): Date | undefined {
  const { countdown, eta } = options;
  if (countdown !== undefined && eta !== undefined) invalid('countdown', 'give countdown or eta, not both');
  let at: number | undefined;
  if (countdown !== undefined) {
    if (typeof countdown !== 'number' || !Number.isFinite(countdown) || countdown < 0)
      invalid('countdown', `countdown must be a number of seconds >= 0, got ${String(countdown)}`);
    at = now + countdown * 1000;
  } else if (eta !== undefined) {
    if (!(eta instanceof Date) || Number.isNaN(eta.getTime())) invalid('eta', 'eta must be a valid Date');
    at = eta.getTime();
  }
  if (at !== undefined && at - now > MAX_SCHEDULE_AHEAD_MS) {
    invalid(
      countdown !== undefined ? 'countdown' : 'eta',
      `a task can be scheduled at most 30 days ahead (Cloud Tasks' limit); got ${new Date(at).toISOString()}`,
    );
  }
  return at === undefined ? undefined : new Date(at);
}

function resolvePath(url: string | undefined, functionId: string): string {
  if (url === undefined) return `/_ah/queue/deferred/${functionId}`;
  if (typeof url !== 'string' || !url.startsWith('/') || url.startsWith('//')) {
    invalid(
      'url',
      `url must be a path in this app starting with "/", got ${JSON.stringify(url)} (tasks always call the app's own DEFERRED_SERVICE_URL)`,
    );
  }
  // Next.js answers a trailing slash with 308, and Cloud Tasks counts any non-2xx as a failure.
  if (url.length > 1 && url.split('?')[0].endsWith('/'))
    invalid('url', `url must not end with "/" (Next.js would answer 308, a failure to Cloud Tasks): ${url}`);
  return url;
}

/** Checked here, before any network call: a bad value would otherwise fail in Cloud Tasks, or at every delivery. */
function resolveHeaders(headers: Record<string, string> | undefined): Record<string, string> {
  if (headers !== undefined && (typeof headers !== 'object' || headers === null || Array.isArray(headers))) {
    const got = Array.isArray(headers) ? 'an array' : typeof headers;
    invalid('headers', `headers must be an object of header names to string values, got ${got}`);
  }
  const resolved: Record<string, string> = {};
  for (const [key, value] of Object.entries(headers ?? {})) {
    const reserved = reservedHeader(key);
    if (reserved) invalid('headers', `header "${key}" cannot be overridden: ${reserved.why}`);
    const problem = headerProblem(key, value);
    if (problem) invalid('headers', problem);
    resolved[key] = value;
  }
  return resolved;
}

export function resolveTaskOptions(options: DeferOptions, functionId: string, now = Date.now()): ResolvedTaskOptions {
  const queue = options.queue ?? 'default';
  if (!QUEUE_ID.test(queue)) invalid('queue', `queue "${queue}" is not a valid queue id (letters, digits and "-", at most 100)`);
  if (options.name !== undefined && !TASK_ID.test(options.name)) {
    invalid('name', `task name "${options.name}" is not valid: use 1-500 letters, digits, "-" or "_"`);
  }
  const deadline = options.dispatchDeadline;
  const { min, max } = DISPATCH_DEADLINE_SECONDS;
  if (deadline !== undefined && !(typeof deadline === 'number' && deadline >= min && deadline <= max)) {
    invalid('dispatchDeadline', `dispatchDeadline must be ${min} to ${max} seconds (Cloud Tasks' range), got ${String(deadline)}`);
  }
  return {
    queue,
    scheduleTime: resolveSchedule(options, now),
    taskId: options.name,
    path: resolvePath(options.url, functionId),
    headers: resolveHeaders(options.headers),
    dispatchDeadlineSeconds: deadline,
  };
}
