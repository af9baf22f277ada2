import { http, HttpResponse, type HttpHandler } from 'msw';
import { CLOUD_TASKS_ERRORS } from '../contract/cloud-tasks-messages.js';
import { TaskAlreadyExistsError, UnknownQueueError } from '../contract/errors.js';
import { queuePath } from '../contract/names.js';
import { batchHandlers, type BatchItemToFail } from './cloud-tasks-rest-batches.js';
import {
  apiError,
  BadRequest,
  fullView,
  googleError,
  notFound,
  permissionDenied,
  queueNotFound,
  taskResource,
  toCreateRequest,
  type RestCreateTaskBody,
  type RouteParams,
} from './cloud-tasks-rest-resources.js';
import type { TaskQueueStub } from './task-queue-stub.js';
import type { ApiStatus } from '../contract/google-errors.js';

export type { BatchItemToFail };

export interface CloudTasksRestOptions {
  /** @default 'https://cloudtasks.googleapis.com' (what @google-cloud/tasks calls in REST mode) */
  baseUrl?: string;
  /**
   * Calls answered with Google's 403 PERMISSION_DENIED, as when the app's service account lacks
   * the role (roles/cloudtasks.enqueuer to create, roles/cloudtasks.taskDeleter to delete): for
   * testing what the app does then. @default [] (every call allowed)
   */
  permissionDenied?: ('createTask' | 'deleteTask' | 'batchCreateTasks' | 'batchDeleteTasks')[];
  /**
   * Fails the batch items it returns a status for (`'UNAVAILABLE'`, ...) instead of creating or
   * deleting them, as Cloud Tasks reports a partial failure: for testing what the app does then.
   * Called for each item of each batch, retries included. @default none fails
   * @example failItem: ({ index }) => (index === 3 && !failedOnce++ ? 'UNAVAILABLE' : undefined)
   */
  failItem?: (item: BatchItemToFail) => ApiStatus | undefined;
  /**
   * Answer batches with an operation that is not done yet, done on its first GET, so the client
   * polls it (Cloud Tasks may answer either way; the emulator answers done). @default false
   */
  pendingOperations?: boolean;
  /**
   * Answer batches with 404, as an endpoint that has none (an older emulator, a proxy):
   * `deferMany` and `cancelMany` then fall back to one call per task. @default false
   */
  withoutBatches?: boolean;
}

/**
 * msw handlers that answer Cloud Tasks' REST task calls from the stub, under /v2/ and /v2beta3/
 * (create, get, list, delete; get and list with `responseView: FULL` include the body; a task's
 * own `retryConfig`), and v2beta3's BatchCreateTasks, BatchDeleteTasks and their operations, so a
 * test that drives the production transport (or its own `@google-cloud/tasks` client in REST
 * mode, or the `dead-letters` CLI) sees the same task list as `defer` through the stub. A
 * duplicate name gets Google's 409 ALREADY_EXISTS (in a batch, that item fails alone); a queue
 * missing from the stub's queue.yaml, 404 NOT_FOUND; a task that is not queued (it ran, or was
 * deleted), 404 NOT_FOUND, which `cancelTask` reads as `false`.
 */
export function cloudTasksRestHandlers(stub: TaskQueueStub, options: CloudTasksRestOptions = {}): HttpHandler[] {
  const base = options.baseUrl ?? 'https://cloudtasks.googleapis.com';
  const find = (p: RouteParams) => stub.getFilteredTasks({ name: `${queuePath(p)}/tasks/${p.task}` })[0];
  const denied = new Set<string>(options.permissionDenied ?? []);
  const taskRoutes = (version: string): HttpHandler[] => {
    const queueUrl = `${base}/${version}/projects/:project/locations/:location/queues/:queue`;
    return [
      http.post(`${queueUrl}/tasks`, async ({ request, params }) => {
        const p = params as RouteParams;
        if (denied.has('createTask')) return permissionDenied('cloudtasks.tasks.create', queuePath(p));
        try {
          const body = (await request.json().catch(() => undefined)) as RestCreateTaskBody | undefined;
          const { name } = await stub.createTask(toCreateRequest(p, body, stub.catalog.get(p.queue)?.retryConfig));
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
  };
  const batches = options.withoutBatches
    ? [
        http.post(
          `${base}/v2beta3/projects/:project/locations/:location/queues/:queue/tasks\\:*`,
          () => new HttpResponse('Not Found', { status: 404 }),
        ),
      ]
    : batchHandlers(stub, base, { failItem: options.failItem, pendingOperations: options.pendingOperations, denied });
  return [...batches, ...taskRoutes('v2'), ...taskRoutes('v2beta3')];
}
