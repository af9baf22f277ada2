/**
 * What the msw Cloud Tasks fake (cloud-tasks-rest.ts) reads and writes: REST request bodies to
 * the stub's CreateTaskRequest, the stub's tasks as REST Task resources, and Google's errors.
 */
import { HttpResponse } from 'msw';
import { queuePath, TASK_ID } from '../contract/names.js';
import { storedHttpHeaders } from '../contract/cloud-tasks-behaviour.js';
import { CLOUD_TASKS_ERRORS, errorDetails, type CloudTasksErrorText } from '../contract/cloud-tasks-messages.js';
import { API_STATUS_HTTP, googleErrorBody, type ApiStatus } from '../contract/google-errors.js';
import { formatDuration, parseDuration, parseTimestamp } from '../contract/proto-json.js';
import type { RetryConfig } from '../contract/queue-settings.js';
import { type CreateTaskRequest } from '../contract/transport.js';
import type { TaskQueueStub } from './task-queue-stub.js';
import type { StubTask } from './stub-task.js';

/** Google's wording, permission included, for a call the caller may not make. */
export function permissionDenied(permission: string, resource: string) {
  return apiError(
    'PERMISSION_DENIED',
    `The principal (user or service account) lacks IAM permission "${permission}" for the resource "${resource}" (or the resource may not exist).`,
  );
}

/** Google's JSON error envelope, as the REST client expects it. */
export function apiError(status: ApiStatus, message: string) {
  return HttpResponse.json(googleErrorBody(status, message), { status: API_STATUS_HTTP[status] });
}

/** Google's recorded error (contract/cloud-tasks-messages.ts), the stub's own hint in a DebugInfo detail. */
export function googleError(text: CloudTasksErrorText, hint: string) {
  return HttpResponse.json(googleErrorBody(text.status, text.message, errorDetails(text, hint)), { status: API_STATUS_HTTP[text.status] });
}

export class BadRequest extends Error {}

const badRequest = (message: string) => new BadRequest(message);
const timestamp = (value: unknown) =>
  value === undefined || value === null ? undefined : new Date(parseTimestamp(value, 'task.scheduleTime', badRequest));
const duration = (value: unknown) =>
  value === undefined || value === null ? undefined : parseDuration(value, 'task.dispatchDeadline', badRequest);

/** The fields of a REST CreateTaskRequest body that HTTP tasks use. */
export interface RestCreateTaskBody {
  task?: {
    name?: string;
    scheduleTime?: unknown;
    dispatchDeadline?: unknown;
    httpRequest?: { url?: unknown; headers?: Record<string, string>; body?: unknown; oidcToken?: CreateTaskRequest['oidcToken'] };
    /** v2beta3's (and v2's since GA): the task's own retry settings. */
    retryConfig?: Record<string, unknown>;
  };
}

const RETRY_DURATIONS = {
  maxRetryDuration: 'maxRetryDurationSeconds',
  minBackoff: 'minBackoffSeconds',
  maxBackoff: 'maxBackoffSeconds',
} as const;

/**
 * A task's retryConfig over its queue's, field by field, as the emulator reads it: a field left
 * out, or 0 (proto3 cannot tell them apart), is the queue's.
 */
function readRetryConfig(json: Record<string, unknown> | undefined, queue: RetryConfig | undefined): RetryConfig | undefined {
  if (!json || !queue) return undefined;
  const own: Partial<RetryConfig> = {};
  for (const field of ['maxAttempts', 'maxDoublings'] as const) if (Number(json[field] ?? 0) !== 0) own[field] = Number(json[field]);
  for (const [field, key] of Object.entries(RETRY_DURATIONS) as [keyof typeof RETRY_DURATIONS, keyof RetryConfig][]) {
    const seconds = json[field] === undefined ? 0 : parseDuration(json[field], `task.retryConfig.${field}`, badRequest);
    if (seconds !== 0) own[key] = seconds;
  }
  return Object.keys(own).length ? { ...queue, ...own } : undefined;
}

/** The path parameters of the routes below (`task` only on a task's own URL). */
export type RouteParams = { project: string; location: string; queue: string; task?: string };

/** A REST CreateTaskRequest body (`{ task: {...} }`) to what the stub's transport side takes; `queueRetry` fills in a partial retryConfig. */
export function toCreateRequest(params: RouteParams, body: RestCreateTaskBody | undefined, queueRetry?: RetryConfig): CreateTaskRequest {
  const parent = queuePath(params);
  const task = body?.task ?? {};
  const http = task.httpRequest;
  if (!http || typeof http.url !== 'string') throw new BadRequest('task.httpRequest.url is required (only HTTP tasks are supported)');
  const retry = readRetryConfig(task.retryConfig, queueRetry);
  let taskId: string | undefined;
  if (task.name !== undefined && task.name !== '') {
    taskId = String(task.name).startsWith(`${parent}/tasks/`) ? String(task.name).slice(parent.length + 7) : '';
    if (!TASK_ID.test(taskId))
      throw new BadRequest(`Task name "${task.name}" is invalid: it must be ${parent}/tasks/TASK_ID ([A-Za-z0-9_-], at most 500)`);
  }
  return {
    project: params.project,
    location: params.location,
    queue: params.queue,
    taskId,
    url: http.url,
    headers: { ...(http.headers ?? {}) },
    body: Buffer.from(typeof http.body === 'string' ? http.body : '', 'base64'),
    scheduleTime: timestamp(task.scheduleTime),
    dispatchDeadlineSeconds: duration(task.dispatchDeadline),
    // Over REST a task may carry no token at all; the stub keeps it undefined.
    oidcToken: http.oidcToken as CreateTaskRequest['oidcToken'],
    ...(retry ? { retry } : {}),
  };
}

/** `responseView` FULL (by name, or by number as the REST client sends enums): the body is included. */
export const fullView = (view: unknown) => view === 'FULL' || view === '2' || view === 2;

/** A stub task as the REST API's Task resource: the BASIC view has no body, as in Cloud Tasks. */
export function taskResource(task: StubTask, full = false) {
  return {
    name: task.name,
    scheduleTime: task.eta.toISOString(),
    createTime: task.createdAt.toISOString(),
    dispatchDeadline: `${task.dispatchDeadlineSeconds}s`,
    dispatchCount: task.retryCount,
    responseCount: task.executionCount,
    httpRequest: {
      url: task.url,
      httpMethod: 'POST',
      // As Cloud Tasks stores them: with its User-Agent.
      headers: storedHttpHeaders(task.headers),
      ...(full && task.payload.byteLength ? { body: Buffer.from(task.payload).toString('base64') } : {}),
      ...(task.oidcToken ? { oidcToken: task.oidcToken } : {}),
    },
    ...(task.retryConfig ? { retryConfig: retryConfigJson(task.retryConfig) } : {}),
  };
}

/** Google's JSON for a RetryConfig; an unlimited duration (0) left out, as Cloud Tasks does. */
function retryConfigJson(retry: RetryConfig) {
  return {
    maxAttempts: retry.maxAttempts,
    ...(retry.maxRetryDurationSeconds ? { maxRetryDuration: formatDuration(retry.maxRetryDurationSeconds) } : {}),
    minBackoff: formatDuration(retry.minBackoffSeconds),
    maxBackoff: formatDuration(retry.maxBackoffSeconds),
    maxDoublings: retry.maxDoublings,
  };
}

export function notFound(stub: TaskQueueStub, name: string) {
  if (stub.isRecentlyEnded(name)) return googleError(CLOUD_TASKS_ERRORS.taskRecentlyDeleted, `Task ${name} ran or was deleted.`);
  return googleError(CLOUD_TASKS_ERRORS.entityNotFound, `The stub has no task ${name}.`);
}

export function queueNotFound(name: string) {
  return googleError(CLOUD_TASKS_ERRORS.queueNotFound, `There is no queue ${name} in the stub's queue.yaml.`);
}
