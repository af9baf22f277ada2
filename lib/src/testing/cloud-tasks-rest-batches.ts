/**
 * The msw fake's BatchCreateTasks, BatchDeleteTasks and GetOperation (v2beta3 REST, as
 * `@google-cloud/tasks`' v2beta3 client calls them), backed by the task-queue stub: per-item
 * outcomes in the operation's metadata (a taken name fails its item with ALREADY_EXISTS, a
 * missing task with NOT_FOUND), the 100 / 1,000 limits with the emulator's texts, and the
 * request id that makes a retried batch answer with its first run.
 */
import { randomUUID } from 'node:crypto';
import { http, HttpResponse, type HttpHandler } from 'msw';
import { CLOUD_TASKS_ERRORS, type CloudTasksErrorText } from '../contract/cloud-tasks-messages.js';
import { TaskAlreadyExistsError, UnknownQueueError } from '../contract/errors.js';
import { RPC_CODE, type ApiStatus } from '../contract/google-errors.js';
import { BATCH_LIMITS } from '../contract/limits.js';
import { queuePath } from '../contract/names.js';
import { formatTimestamp } from '../contract/proto-json.js';
import {
  BadRequest,
  googleError,
  permissionDenied,
  queueNotFound,
  taskResource,
  toCreateRequest,
  type RestCreateTaskBody,
  type RouteParams,
} from './cloud-tasks-rest-resources.js';
import type { TaskQueueStub } from './task-queue-stub.js';

/** A batch item the test chose to fail: which call, which queue, which item of it. */
export interface BatchItemToFail {
  method: 'batchCreateTasks' | 'batchDeleteTasks';
  /** Short queue id. */
  queue: string;
  /** The item's index in the request. */
  index: number;
  /** The task's full name, when the item names one. */
  taskName?: string;
}

export interface BatchRouteOptions {
  /** Fails the items it returns a status for, instead of doing them (a partial failure, as Cloud Tasks may report one). */
  failItem?: (item: BatchItemToFail) => ApiStatus | undefined;
  /** Answer batches with an operation not yet done, done on its first GET (the client then polls). @default false */
  pendingOperations?: boolean;
  /** Batch calls refused with Google's PERMISSION_DENIED. */
  denied: ReadonlySet<string>;
}

type Status = { code: number; message: string };
const statusOf = (text: CloudTasksErrorText): Status => ({ code: RPC_CODE[text.status], message: text.message });
const injected = (status: ApiStatus): Status => ({
  code: RPC_CODE[status],
  message: `${status} (the failItem option of cloudTasksRestHandlers)`,
});
/** BatchCreateTasksMetadata.State and BatchDeleteTasksMetadata.State, as numbers (the client asks for enum-encoding=int). */
const STATE = { BatchCreateTasks: { done: 2, partly: 5 }, BatchDeleteTasks: { done: 2, partly: 3 } } as const;
const TYPE = 'type.googleapis.com/google.cloud.tasks.v2beta3.';

interface Operation {
  name: string;
  queue: string;
  json: Record<string, unknown>;
}

/** What a batch did: how many items it had, which failed (by index), and the operation's response. */
interface BatchRun {
  items: number;
  failed: Map<number, Status>;
  response: object;
}

function operationJson(
  method: keyof typeof STATE,
  name: string,
  startMs: number,
  items: number,
  failed: Map<number, Status>,
  response: object,
) {
  const metadata = {
    '@type': `${TYPE}${method}Metadata`,
    startTime: formatTimestamp(startMs),
    endTime: formatTimestamp(Date.now()),
    state: failed.size ? STATE[method].partly : STATE[method].done,
    ...(failed.size ? { failedRequests: Object.fromEntries(failed) } : {}),
  };
  // As BatchDeleteTasksMetadata's comment says: when none was deleted, the operation's error is ABORTED.
  if (method === 'BatchDeleteTasks' && failed.size === items) {
    return { name, metadata, done: true, error: statusOf(CLOUD_TASKS_ERRORS.batchDeleteNoneSucceeded) };
  }
  return { name, metadata, done: true, response };
}

export function batchHandlers(stub: TaskQueueStub, base: string, options: BatchRouteOptions): HttpHandler[] {
  const operations = new Map<string, Operation>();
  const answer = (operation: Operation) =>
    HttpResponse.json(
      options.pendingOperations ? { name: operation.name, metadata: operation.json.metadata, done: false } : operation.json,
    );

  /** A batch once per request id: the same id again answers with the first run's operation. */
  async function once(p: RouteParams, requestId: unknown, method: keyof typeof STATE, run: () => Promise<BatchRun>) {
    const name = `projects/${p.project}/locations/${p.location}/operations/${typeof requestId === 'string' && requestId ? requestId : randomUUID()}`;
    const earlier = operations.get(name);
    if (earlier && earlier.queue !== queuePath(p))
      return googleError(CLOUD_TASKS_ERRORS.invalidParent, `request_id of ${name} was used for ${earlier.queue}`);
    if (earlier) return answer(earlier);
    const start = Date.now();
    const { items, failed, response } = await run();
    const operation = { name, queue: queuePath(p), json: operationJson(method, name, start, items, failed, response) };
    operations.set(name, operation);
    return answer(operation);
  }

  /** The batch's items, or Google's error for a request that is wrong as a whole. */
  function itemsOf(list: unknown, max: number, empty: CloudTasksErrorText, tooMany: CloudTasksErrorText): unknown[] | Response {
    if (!Array.isArray(list) || !list.length) return googleError(empty, 'The batch has no items.');
    if (list.length > max) return googleError(tooMany, `The batch has ${list.length} items; split it into batches of at most ${max}.`);
    return list;
  }

  return [
    http.post(`${base}/v2beta3/projects/:project/locations/:location/queues/:queue/tasks\\:batchCreate`, async ({ request, params }) => {
      const p = params as RouteParams;
      if (options.denied.has('batchCreateTasks')) return permissionDenied('cloudtasks.tasks.create', queuePath(p));
      const queue = stub.catalog.get(p.queue);
      if (!queue) return queueNotFound(queuePath(p));
      const body = (await request.json().catch(() => ({}))) as { requests?: unknown; requestId?: unknown };
      const items = itemsOf(
        body.requests,
        BATCH_LIMITS.createTasks,
        CLOUD_TASKS_ERRORS.batchCreateEmpty,
        CLOUD_TASKS_ERRORS.batchCreateTooMany,
      );
      if (items instanceof Response) return items;
      return once(p, body.requestId, 'BatchCreateTasks', async () => {
        const failed = new Map<number, Status>();
        const tasks: object[] = [];
        for (const [index, item] of (items as RestCreateTaskBody[]).entries()) {
          const toFail = options.failItem?.({ method: 'batchCreateTasks', queue: p.queue, index, taskName: item?.task?.name });
          if (toFail) {
            failed.set(index, injected(toFail));
            continue;
          }
          try {
            const { name } = await stub.createTask(toCreateRequest(p, item, queue.retryConfig));
            tasks.push(taskResource(stub.getFilteredTasks({ name })[0]));
          } catch (error) {
            if (error instanceof TaskAlreadyExistsError) failed.set(index, statusOf(CLOUD_TASKS_ERRORS.taskAlreadyExists));
            else if (error instanceof BadRequest) failed.set(index, { code: RPC_CODE.INVALID_ARGUMENT, message: error.message });
            else if (error instanceof UnknownQueueError) failed.set(index, statusOf(CLOUD_TASKS_ERRORS.queueNotFound));
            else throw error;
          }
        }
        return { items: items.length, failed, response: { '@type': `${TYPE}BatchCreateTasksResponse`, tasks } };
      });
    }),
    http.post(`${base}/v2beta3/projects/:project/locations/:location/queues/:queue/tasks\\:batchDelete`, async ({ request, params }) => {
      const p = params as RouteParams;
      if (options.denied.has('batchDeleteTasks')) return permissionDenied('cloudtasks.tasks.delete', queuePath(p));
      if (!stub.catalog.get(p.queue)) return queueNotFound(queuePath(p));
      const body = (await request.json().catch(() => ({}))) as { names?: unknown; requestId?: unknown };
      const names = itemsOf(
        body.names,
        BATCH_LIMITS.deleteNames,
        CLOUD_TASKS_ERRORS.batchDeleteEmpty,
        CLOUD_TASKS_ERRORS.batchDeleteTooMany,
      );
      if (names instanceof Response) return names;
      return once(p, body.requestId, 'BatchDeleteTasks', async () => {
        const failed = new Map<number, Status>();
        for (const [index, name] of (names as string[]).entries()) {
          const toFail = options.failItem?.({ method: 'batchDeleteTasks', queue: p.queue, index, taskName: name });
          if (toFail) failed.set(index, injected(toFail));
          else if (!stub.getFilteredTasks({ name })[0]) {
            const gone = stub.isRecentlyEnded(name) ? CLOUD_TASKS_ERRORS.taskRecentlyDeleted : CLOUD_TASKS_ERRORS.entityNotFound;
            failed.set(index, statusOf(gone));
          } else stub.deleteTask(name);
        }
        return { items: names.length, failed, response: { '@type': 'type.googleapis.com/google.protobuf.Empty' } };
      });
    }),
    http.get(`${base}/v2beta3/projects/:project/locations/:location/operations/:operation`, ({ params }) => {
      const name = `projects/${params.project}/locations/${params.location}/operations/${params.operation}`;
      const operation = operations.get(name);
      return operation
        ? HttpResponse.json(operation.json)
        : googleError(CLOUD_TASKS_ERRORS.entityNotFound, `There is no operation ${name}.`);
    }),
  ];
}
