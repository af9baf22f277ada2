import type { DeadLetterReason } from '../runtime/events.js';
import { log } from '../runtime/logger.js';
import { processState } from '../runtime/process-state.js';

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
  /** Path the task was delivered to. */
  url: string;
  body: string;
  bodyEncoding: 'utf8' | 'base64';
}

/**
 * Where dead-lettered tasks go. It may be async (write to a table, a Pub/Sub topic);
 * if it throws, the handler answers 500 so that Cloud Tasks keeps the task.
 */
export type DeadLetterSink = (entry: DeadLetterEntry) => void | Promise<void>;

/** The built-in sink: one ERROR entry in Cloud Logging with the whole task, findable by `deadLetter`. */
export const logDeadLetter: DeadLetterSink = (entry) => {
  log('ERROR', `task dead-lettered (${entry.reason}): ${entry.functionId ?? 'unknown function'}: ${entry.error}`, { deadLetter: entry });
};

const sinks = () => processState('dead-letter', (): { sink: DeadLetterSink } => ({ sink: logDeadLetter }));

/**
 * The process's sink for task routes that set none (registerDeferred({ deadLetter }) sets it from
 * instrumentation.ts); `undefined` restores logDeadLetter.
 */
export function setDefaultDeadLetterSink(sink: DeadLetterSink | undefined): void {
  sinks().sink = sink ?? logDeadLetter;
}

export function defaultDeadLetterSink(): DeadLetterSink {
  return sinks().sink;
}

export function bodyForDeadLetter(body: Uint8Array): Pick<DeadLetterEntry, 'body' | 'bodyEncoding'> {
  try {
    return { body: new TextDecoder('utf-8', { fatal: true }).decode(body), bodyEncoding: 'utf8' };
  } catch {
    return { body: Buffer.from(body).toString('base64'), bodyEncoding: 'base64' };
  }
}
