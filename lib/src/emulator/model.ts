/**
 * What the emulator stores: queues and tasks as plain data. Retries are data too (dispatch
 * count, first attempt, last response), so a restart resumes exactly where the crash left off.
 */
import type { QueueState, RateLimits, RetryConfig } from '../contract/queue-settings.js';
import type { QueueHttpTarget } from './queue-http-target.js';

export const QUEUE_STATES = ['STATE_UNSPECIFIED', 'RUNNING', 'PAUSED', 'DISABLED'] as const;

export const HTTP_METHODS = ['HTTP_METHOD_UNSPECIFIED', 'POST', 'GET', 'HEAD', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'] as const;
export type HttpMethod = Exclude<(typeof HTTP_METHODS)[number], 'HTTP_METHOD_UNSPECIFIED'>;

export const TASK_VIEWS = ['VIEW_UNSPECIFIED', 'BASIC', 'FULL'] as const;
export type TaskView = (typeof TASK_VIEWS)[number];

export type { QueueState, RateLimits, RetryConfig };

export interface QueueRecord {
  /** projects/P/locations/L/queues/Q */
  name: string;
  state: QueueState;
  rateLimits: RateLimits;
  retryConfig: RetryConfig;
  stackdriverLoggingConfig?: { samplingRatio: number };
  purgeTimeMs?: number;
  /** Queue-level routing applied to every task on dispatch (queue-http-target.ts). */
  httpTarget?: QueueHttpTarget;
  /** Where the queue came from, shown on the dashboard. */
  source: 'api' | 'queue.yaml';
}

export interface AttemptRecord {
  scheduleTimeMs: number;
  dispatchTimeMs: number;
  responseTimeMs?: number;
  /** HTTP status of the answer; undefined when there was none (deadline, connection error). */
  httpStatus?: number;
  /** google.rpc.Status of the attempt, as Cloud Tasks reports it. */
  responseStatus?: { code: number; message: string };
}

/** queued: waiting for its schedule time; running: an attempt is in flight; dead: dead-lettered. */
export type TaskState = 'queued' | 'running' | 'dead';

export interface TaskRecord {
  /** projects/P/locations/L/queues/Q/tasks/T */
  name: string;
  queue: string;
  state: TaskState;
  url: string;
  httpMethod: HttpMethod;
  headers: Record<string, string>;
  /** base64 */
  body?: string;
  oidcToken?: { serviceAccountEmail: string; audience?: string };
  scheduleTimeMs: number;
  createTimeMs: number;
  dispatchDeadlineSeconds: number;
  /** The task's own retry settings (v2beta3's Task.retry_config): the fields set override its queue's (retry-config.ts). */
  retryConfig?: Partial<RetryConfig>;
  /** Attempts dispatched (the next attempt's X-CloudTasks-TaskRetryCount). */
  dispatchCount: number;
  /** Attempts that got any HTTP answer. */
  responseCount: number;
  /** Answers other than 5xx (X-CloudTasks-TaskExecutionCount). */
  executionCount: number;
  firstAttempt?: AttemptRecord;
  lastAttempt?: AttemptRecord;
  /** Why the last attempt failed, for X-CloudTasks-TaskRetryReason and the dashboard. */
  retryReason?: string;
  /** The start of an excerpt of the last failed answer's body, or the connection error. */
  lastError?: string;
  deadReason?: string;
  deadTimeMs?: number;
}
