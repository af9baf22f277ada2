/**
 * Cloud Tasks' behaviour where app code can see it, as recorded from the real service
 * (aertje/cloud-tasks-emulator's conformance/golden: dispatch.json, headers.json,
 * realcloud.json): the headers of each attempt, what a created task stores, the defaults of a
 * queue. The emulator and the jest stub both build on this one model, so they cannot drift from
 * each other, and test/conformance checks both against the recordings.
 */
import type { TaskHeaders } from './task-headers.js';

/** The User-Agent Cloud Tasks sends to HTTP targets, and stores in a created task's headers. */
export const HTTP_TARGET_USER_AGENT = 'Google-Cloud-Tasks';

/**
 * X-CloudTasks-TaskRetryReason for HTTP targets: present on every retry, and empty (recorded
 * after 503, 404, 429, 500, 302 and a timeout). App Engine targets say "App Error"; we have none.
 */
export const HTTP_TARGET_RETRY_REASON = '';

/** X-CloudTasks-TaskPreviousResponse after an attempt that hit its dispatch deadline. */
export const DEADLINE_EXCEEDED_PREVIOUS_RESPONSE = 504;

/** How long a deleted queue's name stays taken: CreateQueue answers FAILED_PRECONDITION meanwhile. */
export const DELETED_QUEUE_NAME_BLOCK_SECONDS = 7 * 24 * 3600;

/** How one attempt ended, as far as the next attempt's headers are concerned. */
export interface AttemptEnd {
  /** The HTTP status of the answer; undefined when none came. */
  status?: number;
  /** No complete answer within the task's dispatch deadline. */
  timedOut?: boolean;
}

/** X-CloudTasks-TaskPreviousResponse after this attempt: its status, 504 after a timeout. */
export function previousResponseOf(end: AttemptEnd | undefined): number | undefined {
  if (!end) return undefined;
  if (end.status !== undefined) return end.status;
  return end.timedOut ? DEADLINE_EXCEEDED_PREVIOUS_RESPONSE : undefined;
}

/**
 * Whether the attempt raises X-CloudTasks-TaskExecutionCount: an answer other than 5xx. For
 * answers 503, 404, 429, 500, 302, 200 the recorded counts were 0, 0, 1, 2, 2, 3. A timeout
 * counts as its 504 (no execution).
 */
export function countsAsExecution(end: AttemptEnd): boolean {
  return end.status !== undefined && end.status < 500;
}

/** What a task's history must say for the headers of its next attempt. */
export interface AttemptHistory {
  /** Short queue id. */
  queueName: string;
  /** Short task id. */
  taskName: string;
  /** Attempts made before this one, 5xx and timeouts included. */
  attemptsBefore: number;
  /** Executions before this one (see countsAsExecution). */
  executionsBefore: number;
  /** When this attempt was scheduled. */
  eta: Date;
  /** How the previous attempt ended; undefined on the first attempt. */
  previous?: AttemptEnd;
}

/** The X-CloudTasks-* facts of one attempt of an HTTP-target task, as real Cloud Tasks sends them. */
export function attemptHeaders(history: AttemptHistory): TaskHeaders {
  const retry = history.attemptsBefore > 0;
  return {
    queueName: history.queueName,
    taskName: history.taskName,
    retryCount: history.attemptsBefore,
    executionCount: history.executionsBefore,
    eta: history.eta,
    previousResponse: retry ? previousResponseOf(history.previous) : undefined,
    retryReason: retry ? HTTP_TARGET_RETRY_REASON : undefined,
  };
}

/**
 * A created HTTP task's headers as Cloud Tasks stores and returns them (create, get, list): the
 * task's own, names and case kept, plus `User-Agent: Google-Cloud-Tasks` unless it set one.
 */
export function storedHttpHeaders(headers: Record<string, string>): Record<string, string> {
  if (Object.keys(headers).some((key) => key.toLowerCase() === 'user-agent')) return { ...headers };
  return { ...headers, 'User-Agent': HTTP_TARGET_USER_AGENT };
}

/** The parts of a stored task that count towards its size. */
export interface StoredTaskParts {
  name: string;
  url: string;
  /** As stored (storedHttpHeaders). */
  headers: Record<string, string>;
  bodyBytes: number;
  oidcToken?: { serviceAccountEmail: string; audience?: string };
}

/**
 * The size Cloud Tasks holds against its task limit: the stored task (name, URL, stored headers
 * with the added User-Agent, body, token fields), not only what the caller sent. An
 * approximation of the stored protobuf's size in UTF-8 bytes; real Cloud Tasks answers
 * "Task size too large" past the limit.
 */
export function storedTaskBytes(task: StoredTaskParts): number {
  const utf8 = (text: string) => Buffer.byteLength(text, 'utf8');
  let bytes = utf8(task.name) + utf8(task.url) + task.bodyBytes;
  for (const [key, value] of Object.entries(task.headers)) bytes += utf8(key) + utf8(value);
  if (task.oidcToken) bytes += utf8(task.oidcToken.serviceAccountEmail) + utf8(task.oidcToken.audience ?? '');
  return bytes;
}
