import { attemptHeaders } from '../contract/cloud-tasks-behaviour.js';
import { decodeEnvelope, decodeEnvelopeForDisplay, readReferenceEnvelope, type TaskEnvelope } from '../contract/envelope.js';
import { DISPATCH_DEADLINE_SECONDS } from '../contract/limits.js';
import type { TaskHeaders } from '../contract/task-headers.js';
import type { TaskOutcome } from '../contract/outcomes.js';
import type { CreateTaskRequest } from '../contract/transport.js';
import type { RetryConfig } from '../contract/queue-settings.js';
import { objectUrl } from '../handle/load-payload.js';
import { envelopeSerializer } from '../runtime/class-registry.js';

/** One delivery the stub made, as Cloud Tasks would record it. */
export interface TaskAttempt {
  /** Virtual time of the delivery. */
  at: Date;
  status: number;
  outcome: TaskOutcome;
  deadLettered: boolean;
  /** What the function threw, if it did. */
  error?: unknown;
}

/**
 * A task as a test sees it (App Engine's stub gave `name`, `url`, `eta`, `headers`, `payload`):
 * a snapshot, taken when `getFilteredTasks` returned it.
 */
export interface StubTask {
  /** Full resource name, as `defer` returns it: `projects/P/locations/L/queues/Q/tasks/ID`. */
  name: string;
  /** The short id (the `ID` above; Cloud Tasks' X-CloudTasks-TaskName). */
  id: string;
  queueName: string;
  /** The absolute URL the task calls. */
  url: string;
  /** The URL's path and query, as App Engine's `task.url` was (`/_ah/queue/deferred/<fn>`). */
  path: string;
  /** When the task is next due, on the stub's virtual clock. */
  eta: Date;
  /**
   * `gs://bucket/object` when the envelope was too big for the task and went to the bucket
   * (`config.payloadBucket`): `payload` is then the small reference, `args` read from the object.
   */
  payloadObject?: string;
  /** The task's own headers (Content-Type and those given to `defer`). */
  headers: Record<string, string>;
  /** The deferrable function's id; undefined when the payload does not decode. */
  functionId: string | undefined;
  /** The decoded arguments (a fresh copy each time); undefined when the payload does not decode. */
  args: unknown[] | undefined;
  /** The raw body, as it would travel. */
  payload: Uint8Array;
  /** Deliveries so far, 5xx included (X-CloudTasks-TaskRetryCount of the next delivery). */
  retryCount: number;
  /** Responses so far, 5xx excluded (X-CloudTasks-TaskExecutionCount of the next delivery). */
  executionCount: number;
  /** The last delivery, if any. */
  lastAttempt: TaskAttempt | undefined;
  dispatchDeadlineSeconds: number;
  oidcToken: CreateTaskRequest['oidcToken'] | undefined;
  /** Virtual time the task was created. */
  createdAt: Date;
  /** The task's own retry settings (`defer`'s `retry` option), which replace its queue's; undefined: the queue's apply. */
  retryConfig?: RetryConfig;
}

/** The stub's own, mutable record of a task. */
export interface StubTaskRecord {
  seq: number;
  name: string;
  id: string;
  queueName: string;
  url: string;
  headers: Record<string, string>;
  body: Uint8Array;
  oidcToken: CreateTaskRequest['oidcToken'] | undefined;
  dispatchDeadlineSeconds: number;
  createdAtMs: number;
  etaMs: number;
  retryCount: number;
  executionCount: number;
  firstAttemptAtMs?: number;
  lastAttempt?: TaskAttempt;
  retry?: RetryConfig;
}

/** Cloud Tasks' default dispatch deadline (10 minutes). */
export const DEFAULT_DISPATCH_DEADLINE_SECONDS = DISPATCH_DEADLINE_SECONDS.default;

/** Reads an offloaded payload's object, synchronously (the stub's memory). */
export type PayloadPeek = (bucket: string, object: string) => Uint8Array | undefined;

/** The task's envelope, its offloaded payload's read through `peek`; undefined when it cannot decode. */
export function tryDecode(body: Uint8Array, peek?: PayloadPeek): TaskEnvelope | undefined {
  try {
    const reference = readReferenceEnvelope(body);
    if (!reference) return decodeEnvelope(body, envelopeSerializer());
    const data = peek?.(reference.ref.bucket, reference.ref.object);
    return data ? decodeEnvelope(data, envelopeSerializer()) : undefined;
  } catch {
    return undefined;
  }
}

/** When `defer` ran (the envelope's enqueuedAt, or the reference's), for the virtual clock. */
export function enqueuedAtOf(body: Uint8Array): number | undefined {
  try {
    return (readReferenceEnvelope(body) ?? decodeEnvelopeForDisplay(body)).enqueuedAt;
  } catch {
    return undefined;
  }
}

export function pathOf(url: string): string {
  try {
    const parsed = new URL(url);
    return parsed.pathname + parsed.search;
  } catch {
    return url;
  }
}

/**
 * What Cloud Tasks tells the handler on the task's next delivery, from its history (a stored
 * record or a snapshot of it), by the model the emulator uses too (contract/cloud-tasks-behaviour.ts):
 * on a retry, the previous status and an empty retry reason, as real Cloud Tasks sends them.
 */
export function taskHeadersOf(
  task: Pick<StubTaskRecord, 'queueName' | 'id' | 'retryCount' | 'executionCount'> & { lastAttempt?: { status: number } },
  eta: Date,
): TaskHeaders {
  return attemptHeaders({
    queueName: task.queueName,
    taskName: task.id,
    attemptsBefore: task.retryCount,
    executionsBefore: task.executionCount,
    eta,
    previous: task.lastAttempt && { status: task.lastAttempt.status },
  });
}

export function snapshot(record: StubTaskRecord, peek?: PayloadPeek): StubTask {
  const envelope = tryDecode(record.body, peek);
  let reference;
  try {
    reference = readReferenceEnvelope(record.body);
  } catch {
    reference = undefined;
  }
  return {
    name: record.name,
    id: record.id,
    queueName: record.queueName,
    url: record.url,
    path: pathOf(record.url),
    eta: new Date(record.etaMs),
    ...(reference && { payloadObject: objectUrl(reference.ref) }),
    headers: { ...record.headers },
    functionId: envelope?.fn ?? reference?.fn,
    args: envelope?.args,
    payload: record.body.slice(),
    retryCount: record.retryCount,
    executionCount: record.executionCount,
    lastAttempt: record.lastAttempt && { ...record.lastAttempt, at: new Date(record.lastAttempt.at) },
    dispatchDeadlineSeconds: record.dispatchDeadlineSeconds,
    oidcToken: record.oidcToken && { ...record.oidcToken },
    createdAt: new Date(record.createdAtMs),
    ...(record.retry ? { retryConfig: { ...record.retry } } : {}),
  };
}

/** Exact-match filters, App Engine's `get_filtered_tasks(url=, name=, queue_names=)`; each takes one value or a list. */
export interface TaskFilter {
  queueNames?: string | readonly string[];
  /** A path (`/_ah/queue/deferred/fn`, starts with "/") or an absolute URL. */
  url?: string | readonly string[];
  /** A full resource name (contains "/") or a short id. */
  name?: string | readonly string[];
}

const list = (value: string | readonly string[] | undefined): readonly string[] | undefined =>
  value === undefined ? undefined : typeof value === 'string' ? [value] : value;

export function matchesFilter(record: StubTaskRecord, filter: TaskFilter): boolean {
  const queues = list(filter.queueNames);
  if (queues && !queues.includes(record.queueName)) return false;
  const urls = list(filter.url);
  if (urls && !urls.some((url) => (url.startsWith('/') ? pathOf(record.url) === url : record.url === url))) return false;
  const names = list(filter.name);
  if (names && !names.some((name) => (name.includes('/') ? record.name === name : record.id === name))) return false;
  return true;
}

/** Due order: earliest ETA first, then creation order. */
export const byEta = (a: StubTaskRecord, b: StubTaskRecord): number => a.etaMs - b.etaMs || a.seq - b.seq;
