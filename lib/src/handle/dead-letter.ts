import { isDeadLetterHeader } from '../contract/dead-letter-headers.js';
import { isReplacedAtDispatch } from '../contract/http-headers.js';
import type { DeadLetterReason } from '../runtime/events.js';
import { log } from '../runtime/logger.js';

/**
 * A task that will not run again: everything needed to look at it and enqueue it again.
 * `body` is the task's payload as sent (the superjson envelope), so re-enqueueing it as-is
 * (same queue, same URL) replays the same call.
 */
export interface DeadLetterEntry {
  reason: DeadLetterReason;
  error: string;
  functionId?: string;
  queue?: string;
  taskName?: string;
  attempt: number;
  /** Path (and query) the task was delivered to: the task's URL is DEFERRED_SERVICE_URL + this. */
  url: string;
  /**
   * The task's own headers as delivered (Content-Type, traceparent, those given to `defer`),
   * without those Cloud Tasks, Cloud Run and proxies add (Authorization, X-CloudTasks-*, Host...).
   */
  headers?: Record<string, string>;
  body: string;
  bodyEncoding: 'utf8' | 'base64';
  /**
   * `gs://bucket/object` of the task's offloaded payload (DEFERRED_PAYLOAD_BUCKET), kept for the
   * replay: `body` is then the small reference to it. Deleting it makes the task unreplayable.
   */
  payloadObject?: string;
}

/** What a sink may answer: where it kept the task, when it kept it as a task (the emulator reads it). */
export interface DeadLetterReceipt {
  /** Full resource name of the dead task in its dead-letter queue. */
  keptAs: string;
}

/**
 * Where dead-lettered tasks go. It may be async (write to a table, a Pub/Sub topic);
 * if it throws, the handler answers 500 so that Cloud Tasks keeps the task.
 */
export type DeadLetterSink = (entry: DeadLetterEntry) => void | DeadLetterReceipt | Promise<void | DeadLetterReceipt>;

/**
 * One ERROR entry in Cloud Logging with the whole task, findable by `deadLetter`: the last copy
 * of a task that could not be kept elsewhere. `problem` says why it was not (and what to do).
 */
export function logDeadLetterEntry(entry: DeadLetterEntry, problem?: string): void {
  const why = problem ? `; ${problem}` : '';
  log('ERROR', `task dead-lettered (${entry.reason}): ${entry.functionId ?? 'unknown function'}: ${entry.error}${why}`, {
    deadLetter: entry,
    ...(problem ? { deadLetterProblem: problem } : {}),
  });
}

/** The log-only sink: one ERROR entry with the whole task, from which it can be enqueued again. */
export const logDeadLetter: DeadLetterSink = (entry) => logDeadLetterEntry(entry);

export function bodyForDeadLetter(body: Uint8Array): Pick<DeadLetterEntry, 'body' | 'bodyEncoding'> {
  try {
    return { body: new TextDecoder('utf-8', { fatal: true }).decode(body), bodyEncoding: 'utf8' };
  } catch {
    return { body: Buffer.from(body).toString('base64'), bodyEncoding: 'base64' };
  }
}

/**
 * Request headers that the task did not bring besides those Cloud Tasks sets on every delivery
 * (contract/http-headers.ts) and our own: those Cloud Run's front end and proxies add.
 */
const ADDED_ON_THE_WAY =
  /^(expect|proxy-.*|accept-encoding|forwarded|via|cdn-loop|x-forwarded-.*|x-real-ip|x-cloud-trace-context|x-goog-.*)$/i;

/** Not the task's own: set by Cloud Tasks at delivery, added by the front end, or a dead-letter header of ours. */
const notTheTasks = (name: string) => isReplacedAtDispatch(name) || isDeadLetterHeader(name) || ADDED_ON_THE_WAY.test(name);

/** The task's own headers among a delivery's request headers. */
export function taskOwnHeaders(headers: Headers): Record<string, string> {
  const own: Record<string, string> = {};
  headers.forEach((value, name) => {
    if (!notTheTasks(name)) own[name] = value;
  });
  return own;
}
