/**
 * What a dead-letter sink is: the types of the `deadLetter` option (runtime/options.ts), kept
 * apart from the sinks themselves (handle/), which the options must not import.
 */
import type { DeadLetterReason } from './events.js';

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
