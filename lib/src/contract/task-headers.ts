/**
 * The `X-CloudTasks-*` request headers Cloud Tasks sends with each delivery, read and written in
 * one place: the handler reads them; the emulator and the test kit write them.
 */
import { HTTP_TARGET_USER_AGENT } from './cloud-tasks-behaviour.js';

/** What Cloud Tasks tells a handler about the delivery, from the `X-CloudTasks-*` headers. */
export interface TaskHeaders {
  queueName?: string;
  /** The short task id (not the full resource name). */
  taskName?: string;
  /** Attempts before this one, 5xx included; 0 on the first attempt. */
  retryCount: number;
  /** Responses received before this one, 5xx excluded. */
  executionCount: number;
  /** When this attempt was scheduled. */
  eta?: Date;
  /** HTTP status of the previous attempt, on retries. */
  previousResponse?: number;
  retryReason?: string;
}

function count(value: string | null): number {
  const n = Number(value);
  return value !== null && Number.isInteger(n) && n >= 0 ? n : 0;
}

export function readTaskHeaders(headers: Headers): TaskHeaders {
  const eta = Number(headers.get('x-cloudtasks-tasketa'));
  const previous = Number(headers.get('x-cloudtasks-taskpreviousresponse'));
  return {
    queueName: headers.get('x-cloudtasks-queuename') ?? undefined,
    taskName: headers.get('x-cloudtasks-taskname') ?? undefined,
    retryCount: count(headers.get('x-cloudtasks-taskretrycount')),
    executionCount: count(headers.get('x-cloudtasks-taskexecutioncount')),
    eta: headers.has('x-cloudtasks-tasketa') && Number.isFinite(eta) ? new Date(eta * 1000) : undefined,
    previousResponse: headers.has('x-cloudtasks-taskpreviousresponse') && Number.isInteger(previous) ? previous : undefined,
    retryReason: headers.get('x-cloudtasks-taskretryreason') ?? undefined,
  };
}

/**
 * The headers Cloud Tasks sends with a delivery, the inverse of readTaskHeaders: the local
 * emulator and the test kit send them, so both speak exactly what the handler reads.
 */
export function writeTaskHeaders(task: TaskHeaders): Record<string, string> {
  const headers: Record<string, string> = {
    'User-Agent': HTTP_TARGET_USER_AGENT,
    'X-CloudTasks-TaskRetryCount': String(task.retryCount),
    'X-CloudTasks-TaskExecutionCount': String(task.executionCount),
  };
  if (task.queueName !== undefined) headers['X-CloudTasks-QueueName'] = task.queueName;
  if (task.taskName !== undefined) headers['X-CloudTasks-TaskName'] = task.taskName;
  // Seconds since the epoch, with microseconds, as Cloud Tasks writes it.
  if (task.eta) headers['X-CloudTasks-TaskETA'] = (task.eta.getTime() / 1000).toFixed(6);
  if (task.previousResponse !== undefined) headers['X-CloudTasks-TaskPreviousResponse'] = String(task.previousResponse);
  if (task.retryReason !== undefined) headers['X-CloudTasks-TaskRetryReason'] = task.retryReason;
  return headers;
}
