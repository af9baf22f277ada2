/**
 * Cloud Tasks' error messages, word for word as the real service answers (recorded in
 * aertje/cloud-tasks-emulator's conformance/golden/realcloud.json and errors.json). Code that
 * matches on a message must see the same text locally as in production, so stand-ins keep these
 * exactly and put their own, more helpful hint in the error's details.
 */
import { debugInfoDetail, helpDetail, type ApiStatus, type GoogleErrorDetail } from './google-errors.js';

/** A google.rpc.Help link, as Google attaches to some INVALID_ARGUMENT errors. */
export interface HelpLink {
  description: string;
  url: string;
}

export interface CloudTasksErrorText {
  status: ApiStatus;
  message: string;
  help?: HelpLink;
}

/** The error's details as Google sends them (its Help link), then a stand-in's own hint (a DebugInfo). */
export function errorDetails(text: CloudTasksErrorText, hint?: string): GoogleErrorDetail[] {
  return [...(text.help ? [helpDetail([text.help])] : []), ...(hint ? [debugInfoDetail(hint)] : [])];
}

const text = (status: ApiStatus, message: string, help?: HelpLink): CloudTasksErrorText => ({ status, message, ...(help ? { help } : {}) });

const QUEUE_NAME_HELP: HelpLink = {
  description: 'Definition of queue name',
  url: 'https://cloud.google.com/tasks/docs/reference/rest/v2/projects.locations.queues#Queue.FIELDS.name',
};
const TASK_ID_HELP: HelpLink = {
  description: 'Definition of task ID',
  url: 'https://cloud.google.com/tasks/docs/reference/rest/v2/projects.locations.queues.tasks#Task.FIELDS.name',
};

/** Pacific time, as Google renders the offending schedule time (e.g. 2027-01-05T10:00:00-08:00). */
function pacificTime(ms: number): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone: 'America/Los_Angeles',
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      timeZoneName: 'longOffset',
    })
      .formatToParts(new Date(ms))
      .map((part) => [part.type, part.value]),
  );
  const offset = parts.timeZoneName === 'GMT' ? 'Z' : String(parts.timeZoneName).replace('GMT', '');
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}${offset}`;
}

/** Each recorded error, by what went wrong. */
export const CLOUD_TASKS_ERRORS = {
  /** GetQueue, Pause/Resume/PurgeQueue, CreateTask, ListTasks: missing or recently deleted alike. */
  queueNotFound: text(
    'NOT_FOUND',
    'Queue does not exist. If you just created the queue, wait at least a minute for the queue to initialize.',
  ),
  /** DeleteQueue of a missing queue, and Get/Delete/RunTask of a missing task. */
  entityNotFound: text('NOT_FOUND', 'Requested entity was not found.'),
  queueAlreadyExists: text('ALREADY_EXISTS', 'Queue already exists'),
  queueRecentlyDeleted: text('FAILED_PRECONDITION', 'The queue cannot be created because a queue with this name existed too recently.'),
  invalidQueueName: text(
    'INVALID_ARGUMENT',
    'Queue name must be formatted: "projects/<PROJECT_ID>/locations/<LOCATION_ID>/queues/<QUEUE_ID>".',
    QUEUE_NAME_HELP,
  ),
  invalidParent: text('INVALID_ARGUMENT', 'Invalid resource field value in the request.'),
  queueParentMismatch: (queueName: string, parent: string) => text('INVALID_ARGUMENT', `${queueName} must begin with ${parent}.`),
  taskAlreadyExists: text('ALREADY_EXISTS', 'Requested entity already exists'),
  taskRecentlyDeleted: text(
    'NOT_FOUND',
    'The task no longer exists, though a task with this name existed recently. The task either successfully completed or was deleted.',
  ),
  invalidTaskName: text(
    'INVALID_ARGUMENT',
    'Task name must be formatted: "projects/<PROJECT_ID>/locations/<LOCATION_ID>/queues/<QUEUE_ID>/tasks/<TASK_ID>"',
  ),
  invalidTaskId: (taskId: string) =>
    text(
      'INVALID_ARGUMENT',
      `Task ID "${taskId}" can contain only letters ([A-Za-z]), numbers ([0-9]), hyphens (-), or underscores (_). Task ID must between 1 and 500 characters.`,
      TASK_ID_HELP,
    ),
  taskQueueMismatch: (parent: string, taskQueue: string) =>
    text(
      'INVALID_ARGUMENT',
      `The queue name from request ('${parent}') must be the same as the queue name in the named task ('${taskQueue}').`,
    ),
  dispatchDeadlineRange: text('INVALID_ARGUMENT', 'Task.dispatchDeadline must be between [15s, 30m].'),
  scheduleTooFar: (scheduleMs: number) =>
    text(
      'INVALID_ARGUMENT',
      `The Task.scheduleTime, ${pacificTime(scheduleMs)}, is too far in the future. Schedule time must be no more than 720h in the future.`,
    ),
  taskTooLarge: text('INVALID_ARGUMENT', 'Task size too large'),
  urlRequired: text('INVALID_ARGUMENT', 'HttpRequest.url is required.'),
  urlScheme: text('INVALID_ARGUMENT', "HttpTarget.url must start with 'http://' or 'https://'."),
  rateNegative: text('INVALID_ARGUMENT', 'RateLimits.maxDispatchesPerSecond cannot be negative.'),
  rateTooHigh: text('INVALID_ARGUMENT', 'RateLimits.maxDispatchesPerSecond must be less than or equal to 500.'),
  concurrentNegative: text('INVALID_ARGUMENT', 'RateLimits.maxConcurrentDispatches cannot be negative.'),
  concurrentTooHigh: text('INVALID_ARGUMENT', 'RateLimits.maxConcurrentDispatches must be less than or equal to 5000.'),
  maxAttemptsRange: text('INVALID_ARGUMENT', 'RetryConfig.maxAttempts must be greater or equal to -1.'),
  maxDoublingsNegative: text('INVALID_ARGUMENT', 'RetryConfig.maxDoublings cannot be negative.'),
  minBackoffNegative: text('INVALID_ARGUMENT', 'RetryConfig.minBackoff cannot be negative.'),
  /** Not recorded: extrapolated from the minBackoff and maxDoublings messages. */
  maxBackoffNegative: text('INVALID_ARGUMENT', 'RetryConfig.maxBackoff cannot be negative.'),
  backoffOrder: text('INVALID_ARGUMENT', 'RetryConfig.minBackoff must be less than or equal to RetryConfig.maxBackoff.'),
  /**
   * BatchCreateTasks and BatchDeleteTasks (GA 2026-09-30). Not recorded: the limits are the
   * protos' ("A maximum of 100 tasks can be created in a single batch", "A maximum of 1000 tasks
   * can be deleted in a batch"), the texts written in the style of the recorded ones above.
   */
  batchCreateEmpty: text('INVALID_ARGUMENT', 'BatchCreateTasksRequest.requests is required.'),
  batchCreateTooMany: text('INVALID_ARGUMENT', 'BatchCreateTasksRequest.requests must contain at most 100 requests.'),
  batchDeleteEmpty: text('INVALID_ARGUMENT', 'BatchDeleteTasksRequest.names is required.'),
  batchDeleteTooMany: text('INVALID_ARGUMENT', 'BatchDeleteTasksRequest.names must contain at most 1000 names.'),
  batchParentMismatch: (parent: string, itemParent: string) =>
    text(
      'INVALID_ARGUMENT',
      `CreateTaskRequest.parent ('${itemParent}') must be the same as BatchCreateTasksRequest.parent ('${parent}').`,
    ),
  requestIdFormat: text('INVALID_ARGUMENT', 'request_id must be a valid UUID.'),
  /** Word for word from BatchDeleteTasksMetadata's comment: the operation's error when no item succeeded. */
  batchDeleteNoneSucceeded: text(
    'ABORTED',
    'None of the requests succeeded, refer to BatchDeleteTasksMetadata.failed_requests for individual error details',
  ),
} as const;
