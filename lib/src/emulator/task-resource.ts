/**
 * The Task resource: CreateTask's validation (Cloud Tasks' limits, from options) and the JSON
 * form of a task in BASIC or FULL view.
 */
import { randomInt } from 'node:crypto';
import { headerProblem } from '../contract/http-headers.js';
import { CLOUD_TASKS_ERRORS } from '../contract/cloud-tasks-messages.js';
import { storedHttpHeaders, storedTaskBytes } from '../contract/cloud-tasks-behaviour.js';
import { cloudTasksError, invalidArgument } from './api-error.js';
import { checkTaskName } from './names.js';
import { retryConfigToJson, taskRetryConfig } from './retry-config.js';
import { overrideUrl, type QueueHttpTarget } from './queue-http-target.js';
import type { CloudTasksLimits } from './options.js';
import { HTTP_METHODS, TASK_VIEWS, type AttemptRecord, type TaskRecord, type TaskView } from './model.js';
import {
  enumValue,
  formatDuration,
  formatTimestamp,
  parseBytes,
  parseDuration,
  parseTimestamp,
  type JsonObject,
} from '../contract/proto-json.js';

/** Cloud Tasks generates numeric ids (19 or 20 digits); so does the emulator. */
export function generateTaskId(): string {
  return `${randomInt(1, 2 ** 47)}${String(randomInt(0, 1e6)).padStart(6, '0')}`;
}

function checkUrl(url: unknown): string {
  if (typeof url !== 'string' || url === '') throw cloudTasksError(CLOUD_TASKS_ERRORS.urlRequired, 'Set task.httpRequest.url.');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw cloudTasksError(CLOUD_TASKS_ERRORS.urlScheme, `task.httpRequest.url "${url}" is not an absolute URL`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw cloudTasksError(CLOUD_TASKS_ERRORS.urlScheme, `task.httpRequest.url must use http or https, got ${parsed.protocol}`);
  }
  return url;
}

function checkHeaders(headers: unknown, limits: CloudTasksLimits): Record<string, string> {
  if (headers === undefined || headers === null) return {};
  if (typeof headers !== 'object' || Array.isArray(headers)) {
    throw invalidArgument('task.httpRequest.headers must be a map of header names to strings');
  }
  const result: Record<string, string> = {};
  let bytes = 0;
  for (const [key, value] of Object.entries(headers)) {
    // Refused here, at create: stored, a bad value would fail every delivery (Node refuses to send it).
    const problem = headerProblem(key, value);
    if (problem) throw invalidArgument(`task.httpRequest.headers: ${problem}`);
    result[key] = value as string;
    bytes += key.length + (value as string).length;
  }
  if (bytes > limits.maxHeaderBytes)
    throw invalidArgument(`task.httpRequest.headers total ${bytes} bytes, over the ${limits.maxHeaderBytes}-byte limit`);
  return result;
}

function resolveSchedule(input: JsonObject, nowMs: number, limits: CloudTasksLimits): number {
  if (input.scheduleTime === undefined || input.scheduleTime === null) return nowMs;
  const scheduleMs = parseTimestamp(input.scheduleTime, 'task.scheduleTime', invalidArgument);
  if (scheduleMs > nowMs + limits.maxScheduleAheadSeconds * 1000) {
    throw cloudTasksError(
      CLOUD_TASKS_ERRORS.scheduleTooFar(scheduleMs),
      `task.scheduleTime ${formatTimestamp(scheduleMs)} is more than ${limits.maxScheduleAheadSeconds / 86400} days ahead; Cloud Tasks refuses it. Schedule it nearer, or store it and enqueue it later`,
    );
  }
  return Math.max(scheduleMs, 0);
}

function resolveDeadline(input: JsonObject, limits: CloudTasksLimits): number {
  if (input.dispatchDeadline === undefined || input.dispatchDeadline === null) return limits.defaultDispatchDeadlineSeconds;
  const seconds = parseDuration(input.dispatchDeadline, 'task.dispatchDeadline', invalidArgument);
  if (seconds < limits.minDispatchDeadlineSeconds || seconds > limits.maxDispatchDeadlineSeconds) {
    throw cloudTasksError(
      CLOUD_TASKS_ERRORS.dispatchDeadlineRange,
      `task.dispatchDeadline ${formatDuration(seconds)} is out of range: it must be between ${formatDuration(limits.minDispatchDeadlineSeconds)} and ${formatDuration(limits.maxDispatchDeadlineSeconds)}`,
    );
  }
  return seconds;
}

/** CreateTask's `task` to a record, or INVALID_ARGUMENT naming the field and the rule. */
export function taskFromInput(
  queueName: string,
  input: unknown,
  nowMs: number,
  limits: CloudTasksLimits,
  /** The queue's routing: with a URI override that names a host, a task may leave its URL out. */
  queueTarget?: QueueHttpTarget,
): TaskRecord {
  if (typeof input !== 'object' || input === null) throw invalidArgument('task is required');
  const task = input as JsonObject;
  if (task.appEngineHttpRequest) {
    throw invalidArgument('The emulator dispatches HTTP targets only: use task.httpRequest instead of appEngineHttpRequest');
  }
  const routed = queueTarget?.uriOverride?.host ? queueTarget.uriOverride : undefined;
  const http = (task.httpRequest ?? (routed ? {} : undefined)) as JsonObject | undefined;
  if (!http) throw invalidArgument('task.httpRequest is required (the emulator dispatches HTTP targets)');
  if (http.oauthToken) throw invalidArgument('task.httpRequest.oauthToken is not supported by the emulator; use oidcToken');
  const name = task.name ? checkTaskName(task.name, queueName) : `${queueName}/tasks/${generateTaskId()}`;
  // Without a URL of its own, the task is sent where the queue's URI override says.
  const url = routed && (http.url === undefined || http.url === null || http.url === '') ? overrideUrl('', routed) : checkUrl(http.url);
  // Stored as Cloud Tasks stores them: with its User-Agent (headers.json), which counts towards the size.
  const headers = storedHttpHeaders(checkHeaders(http.headers, limits));
  const body =
    http.body === undefined || http.body === null || http.body === ''
      ? undefined
      : parseBytes(http.body, 'task.httpRequest.body', invalidArgument);
  const httpMethod =
    http.httpMethod === undefined || http.httpMethod === 0
      ? 'POST'
      : enumValue(HTTP_METHODS, http.httpMethod, 'task.httpRequest.httpMethod', invalidArgument);
  if (httpMethod === 'HTTP_METHOD_UNSPECIFIED') throw invalidArgument('task.httpRequest.httpMethod is unspecified');
  const oidc = http.oidcToken as Record<string, unknown> | undefined;
  if (oidc && (typeof oidc.serviceAccountEmail !== 'string' || !oidc.serviceAccountEmail.includes('@'))) {
    throw invalidArgument('task.httpRequest.oidcToken.serviceAccountEmail must be a service account email');
  }
  const token = oidc && {
    serviceAccountEmail: String(oidc.serviceAccountEmail),
    ...(oidc.audience ? { audience: String(oidc.audience) } : {}),
  };
  const retryConfig = taskRetryConfig(task.retryConfig);
  const size = storedTaskBytes({ name, url, headers, bodyBytes: body?.length ?? 0, oidcToken: token });
  if (size > limits.maxTaskBytes) {
    throw cloudTasksError(
      CLOUD_TASKS_ERRORS.taskTooLarge,
      `The stored task is ${size} bytes, over the ${limits.maxTaskBytes}-byte limit of a Cloud Task; store large data elsewhere and pass its key`,
    );
  }
  return {
    name,
    queue: queueName,
    state: 'queued',
    url,
    httpMethod,
    headers,
    ...(body ? { body: body.toString('base64') } : {}),
    ...(token ? { oidcToken: token } : {}),
    scheduleTimeMs: resolveSchedule(task, nowMs, limits),
    createTimeMs: nowMs,
    dispatchDeadlineSeconds: resolveDeadline(task, limits),
    ...(retryConfig ? { retryConfig } : {}),
    dispatchCount: 0,
    responseCount: 0,
    executionCount: 0,
  };
}

export function parseView(value: unknown): TaskView {
  if (value === undefined || value === null || value === '') return 'BASIC';
  const view = enumValue(
    TASK_VIEWS,
    typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value,
    'responseView',
    invalidArgument,
  );
  return view === 'VIEW_UNSPECIFIED' ? 'BASIC' : view;
}

function attemptToJson(attempt: AttemptRecord): Record<string, unknown> {
  return {
    scheduleTime: formatTimestamp(attempt.scheduleTimeMs),
    dispatchTime: formatTimestamp(attempt.dispatchTimeMs),
    ...(attempt.responseTimeMs === undefined ? {} : { responseTime: formatTimestamp(attempt.responseTimeMs) }),
    ...(attempt.responseStatus ? { responseStatus: attempt.responseStatus } : {}),
  };
}

/** Google's JSON for a task; BASIC leaves out the body, as Cloud Tasks does. */
export function taskToJson(task: TaskRecord, view: TaskView, enumsAsInt: boolean): Record<string, unknown> {
  return {
    name: task.name,
    httpRequest: {
      url: task.url,
      httpMethod: enumsAsInt ? HTTP_METHODS.indexOf(task.httpMethod) : task.httpMethod,
      headers: task.headers,
      ...(view === 'FULL' && task.body ? { body: task.body } : {}),
      ...(task.oidcToken ? { oidcToken: task.oidcToken } : {}),
    },
    scheduleTime: formatTimestamp(task.scheduleTimeMs),
    createTime: formatTimestamp(task.createTimeMs),
    dispatchDeadline: formatDuration(task.dispatchDeadlineSeconds),
    ...(task.retryConfig ? { retryConfig: retryConfigToJson(task.retryConfig) } : {}),
    dispatchCount: task.dispatchCount,
    responseCount: task.responseCount,
    ...(task.firstAttempt ? { firstAttempt: attemptToJson(task.firstAttempt) } : {}),
    ...(task.lastAttempt ? { lastAttempt: attemptToJson(task.lastAttempt) } : {}),
    view: enumsAsInt ? TASK_VIEWS.indexOf(view) : view,
  };
}
