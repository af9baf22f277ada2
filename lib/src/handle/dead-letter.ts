import { isDeadLetterHeader } from '../contract/dead-letter-headers.js';
import { isReplacedAtDispatch } from '../contract/http-headers.js';
import type { DeadLetterEntry, DeadLetterSink } from '../runtime/dead-letter-sink.js';
import { log } from '../runtime/logger.js';

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
