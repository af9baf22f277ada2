import { http, HttpResponse, type HttpHandler } from 'msw';
import { TaskAlreadyExistsError, UnknownQueueError } from '../contract/errors.js';
import { queuePath, TASK_ID } from '../contract/names.js';
import { storedHttpHeaders } from '../contract/cloud-tasks-behaviour.js';
import { CLOUD_TASKS_ERRORS, errorDetails, type CloudTasksErrorText } from '../contract/cloud-tasks-messages.js';
import { API_STATUS_HTTP, googleErrorBody, type ApiStatus } from '../contract/google-errors.js';
import { parseDuration, parseTimestamp } from '../contract/proto-json.js';
import { type CreateTaskRequest } from '../contract/transport.js';
import type { TaskQueueStub } from './task-queue-stub.js';
import type { StubTask } from './stub-task.js';

export interface CloudTasksRestOptions {
  /** @default 'https://cloudtasks.googleapis.com' (what @google-cloud/tasks calls in REST mode) */
  baseUrl?: string;
  /**
   * Calls answered with Google's 403 PERMISSION_DENIED, as when the app's service account lacks
   * the role (roles/cloudtasks.enqueuer to create, roles/cloudtasks.taskDeleter to delete): for
   * testing what the app does then. @default [] (every call allowed)
   */
  permissionDenied?: ('createTask' | 'deleteTask')[];
}

/** Google's wording, permission included, for a call the caller may not make. */
function permissionDenied(permission: string, resource: string) {
  return apiError(
    'PERMISSION_DENIED',
    `The principal (user or service account) lacks IAM permission "${permission}" for the resource "${resource}" (or the resource may not exist).`,
  );
}

/** Google's JSON error envelope, as the REST client expects it. */
function apiError(status: ApiStatus, message: string) {
  return HttpResponse.json(googleErrorBody(status, message), { status: API_STATUS_HTTP[status] });
}

/** Google's recorded error (contract/cloud-tasks-messages.ts), the stub's own hint in a DebugInfo detail. */
function googleError(text: CloudTasksErrorText, hint: string) {
  return HttpResponse.json(googleErrorBody(text.status, text.message, errorDetails(text, hint)), { status: API_STATUS_HTTP[text.status] });
}

class BadRequest extends Error {}

const badRequest = (message: string) => new BadRequest(message);
const timestamp = (value: unknown) =>
  value === undefined || value === null ? undefined : new Date(parseTimestamp(value, 'task.scheduleTime', badRequest));
const duration = (value: unknown) =>
  value === undefined || value === null ? undefined : parseDuration(value, 'task.dispatchDeadline', badRequest);

/** The fields of a REST CreateTaskRequest body that HTTP tasks use. */
interface RestCreateTaskBody {
  task?: {
    name?: string;
    scheduleTime?: unknown;
    dispatchDeadline?: unknown;
    httpRequest?: { url?: unknown; headers?: Record<string, string>; body?: unknown; oidcToken?: CreateTaskRequest['oidcToken'] };
  };
}

/** The path parameters of the routes below (`task` only on a task's own URL). */
type RouteParams = { project: string; location: string; queue: string; task?: string };

/** A REST CreateTaskRequest body (`{ task: {...} }`) to what the stub's transport side takes. */
function toCreateRequest(params: RouteParams, body: RestCreateTaskBody | undefined): CreateTaskRequest {
  const parent = queuePath(params);
  const task = body?.task ?? {};
  const http = task.httpRequest;
  if (!http || typeof http.url !== 'string') throw new BadRequest('task.httpRequest.url is required (only HTTP tasks are supported)');
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
  };
}

/** `responseView` FULL (by name, or by number as the REST client sends enums): the body is included. */
const fullView = (view: unknown) => view === 'FULL' || view === '2' || view === 2;

/** A stub task as the REST API's Task resource: the BASIC view has no body, as in Cloud Tasks. */
function taskResource(task: StubTask, full = false) {
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
  };
}

function notFound(stub: TaskQueueStub, name: string) {
  if (stub.isRecentlyEnded(name)) return googleError(CLOUD_TASKS_ERRORS.taskRecentlyDeleted, `Task ${name} ran or was deleted.`);
  return googleError(CLOUD_TASKS_ERRORS.entityNotFound, `The stub has no task ${name}.`);
}

function queueNotFound(name: string) {
  return googleError(CLOUD_TASKS_ERRORS.queueNotFound, `There is no queue ${name} in the stub's queue.yaml.`);
}

/**
 * msw handlers that answer Cloud Tasks' v2 REST task calls (create, get, list, delete; get and
 * list with `responseView: FULL` include the body) from the stub, so a test that drives the
 * production transport (or its own `@google-cloud/tasks` client in REST mode, or the
 * `dead-letters` CLI) sees the same task list as `defer` through the stub. A duplicate name
 * gets Google's 409 ALREADY_EXISTS; a queue missing from the stub's queue.yaml, 404 NOT_FOUND; a
 * task that is not queued (it ran, or was deleted), 404 NOT_FOUND, which `cancelTask` reads as `false`.
 */
export function cloudTasksRestHandlers(stub: TaskQueueStub, options: CloudTasksRestOptions = {}): HttpHandler[] {
  const queueUrl = `${options.baseUrl ?? 'https://cloudtasks.googleapis.com'}/v2/projects/:project/locations/:location/queues/:queue`;
  const find = (p: RouteParams) => stub.getFilteredTasks({ name: `${queuePath(p)}/tasks/${p.task}` })[0];
  const denied = new Set(options.permissionDenied ?? []);
  return [
    http.post(`${queueUrl}/tasks`, async ({ request, params }) => {
      const p = params as RouteParams;
      if (denied.has('createTask')) return permissionDenied('cloudtasks.tasks.create', queuePath(p));
      try {
        const body = (await request.json().catch(() => undefined)) as RestCreateTaskBody | undefined;
        const { name } = await stub.createTask(toCreateRequest(p, body));
        return HttpResponse.json(taskResource(stub.getFilteredTasks({ name })[0]));
      } catch (error) {
        if (error instanceof BadRequest) return apiError('INVALID_ARGUMENT', error.message);
        if (error instanceof TaskAlreadyExistsError) return googleError(CLOUD_TASKS_ERRORS.taskAlreadyExists, error.message);
        if (error instanceof UnknownQueueError) return queueNotFound(queuePath(p));
        throw error;
      }
    }),
    http.get(`${queueUrl}/tasks`, ({ request, params }) => {
      const p = params as RouteParams;
      if (!stub.catalog.get(p.queue)) return queueNotFound(queuePath(p));
      const full = fullView(new URL(request.url).searchParams.get('responseView'));
      const tasks = stub.getFilteredTasks({ queueNames: p.queue }).map((task) => taskResource(task, full));
      return HttpResponse.json(tasks.length ? { tasks } : {});
    }),
    http.get(`${queueUrl}/tasks/:task`, ({ request, params }) => {
      const task = find(params as RouteParams);
      const full = fullView(new URL(request.url).searchParams.get('responseView'));
      return task
        ? HttpResponse.json(taskResource(task, full))
        : notFound(stub, `${queuePath(params as RouteParams)}/tasks/${params.task}`);
    }),
    http.delete(`${queueUrl}/tasks/:task`, ({ params }) => {
      const name = `${queuePath(params as RouteParams)}/tasks/${params.task}`;
      if (denied.has('deleteTask')) return permissionDenied('cloudtasks.tasks.delete', name);
      const task = find(params as RouteParams);
      if (!task) return notFound(stub, name);
      stub.deleteTask(task);
      return HttpResponse.json({});
    }),
  ];
}
