/**
 * Cloud Tasks REST at Google's paths (see cloudtasks.proto's http rules), for the methods the
 * adapter and the queue CLI use, under /v2/ and /v2beta3/ alike (v2beta3's client sends the same
 * bodies; it adds BatchCreateTasks, BatchDeleteTasks, their operations and Task.retryConfig, which
 * Google's v2 REST API has too since they went GA). google-gax in REST mode ("fallback") sends
 * `$alt=json;enum-encoding=int`, so enums are answered as numbers when asked for.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, invalidArgument } from './api-error.js';
import type { BatchTasks } from './batch-tasks.js';
import { readJson, sendError, sendJson } from './http-util.js';
import { operationToJson } from './operation-resource.js';
import { queueToJson } from './queue-resource.js';
import { parseView, taskToJson } from './task-resource.js';
import type { TasksService } from './tasks-service.js';

/** Request bodies past this are refused before parsing (a task is at most 1 MiB, base64 grows it). */
const MAX_REQUEST_BYTES = 2 * 1024 * 1024;
/** A batch of 100 tasks; the gRPC server takes messages up to the same size (grpc/server.ts). */
export const MAX_BATCH_REQUEST_BYTES = 32 * 1024 * 1024;

/** The API versions served, as the first path segment: /v2/... and /v2beta3/... */
export const API_PATH = /^\/(v2|v2beta3)\//;
const SEGMENT = '[^/:]+';
const PARENT = `projects/${SEGMENT}/locations/${SEGMENT}`;
const QUEUE = `${PARENT}/queues/${SEGMENT}`;
const ROUTES = {
  locations: new RegExp(`^(projects/${SEGMENT})/locations$`),
  location: new RegExp(`^(${PARENT})$`),
  operation: new RegExp(`^(${PARENT}/operations/${SEGMENT})$`),
  // BufferTask: .../tasks/ID:buffer, and .../tasks/:buffer (an empty id, as gcloud sends it) or .../tasks:buffer.
  buffer: new RegExp(`^(${QUEUE})/tasks(?:/(${SEGMENT})?)?:buffer$`),
  batch: new RegExp(`^(${QUEUE})/tasks:(batchCreate|batchDelete)$`),
  queues: new RegExp(`^(${PARENT})/queues$`),
  queue: new RegExp(`^(${QUEUE})(?::(pause|resume|purge))?$`),
  tasks: new RegExp(`^(${QUEUE})/tasks$`),
  task: new RegExp(`^(${QUEUE}/tasks/${SEGMENT})(?::(run))?$`),
};

interface Call {
  req: IncomingMessage;
  query: URLSearchParams;
  /** The resource name the path holds. */
  name: string;
  /** A custom verb (`:pause`) or a second path part. */
  verb: string | undefined;
  /** v2 or v2beta3. */
  api: string;
}
type Handler = (call: Call) => Promise<unknown>;

export function createRestApi(service: TasksService, batches: BatchTasks) {
  const asInt = (query: URLSearchParams) => (query.get('$alt') ?? '').includes('enum-encoding=int');
  const queueJson = (query: URLSearchParams) => (queue: Parameters<typeof queueToJson>[0]) => queueToJson(queue, asInt(query));

  const handlers: Record<keyof typeof ROUTES, Partial<Record<string, Handler>>> = {
    locations: {
      GET: async ({ name }) => ({ locations: service.listLocations(name.slice('projects/'.length)) }),
    },
    location: {
      GET: async ({ name }) => service.getLocation(name),
    },
    operation: {
      GET: async ({ query, name }) => operationToJson(batches.getOperation(name), asInt(query)),
    },
    buffer: {
      POST: async ({ req, query, name, verb: taskId }) => {
        const body = await readJson(req, MAX_REQUEST_BYTES);
        const task = service.bufferTask(name, taskId || undefined, body.body as { contentType?: unknown; data?: unknown } | undefined);
        return { task: taskToJson(task, 'BASIC', asInt(query)) };
      },
    },
    batch: {
      POST: async ({ req, query, name, verb, api }) => {
        const body = await readJson(req, MAX_BATCH_REQUEST_BYTES);
        const operation =
          verb === 'batchCreate'
            ? batches.create(name, body.requests, body.requestId, api)
            : batches.delete(name, body.names, body.requestId, api);
        return operationToJson(operation, asInt(query));
      },
    },
    queues: {
      GET: async ({ query, name }) => {
        const page = service.listQueues(name, query.get('filter'), query.get('pageSize'), query.get('pageToken'));
        return { queues: page.items.map(queueJson(query)), ...(page.nextPageToken ? { nextPageToken: page.nextPageToken } : {}) };
      },
      POST: async ({ req, query, name }) => queueJson(query)(service.createQueue(name, await readJson(req, MAX_REQUEST_BYTES))),
    },
    queue: {
      GET: async ({ query, name, verb }) => (verb ? undefined : queueJson(query)(service.getQueue(name))),
      PATCH: async ({ req, query, name, verb }) =>
        verb ? undefined : queueJson(query)(service.updateQueue(name, await readJson(req, MAX_REQUEST_BYTES), query.get('updateMask'))),
      DELETE: async ({ name, verb }) => (verb ? undefined : (service.deleteQueue(name), {})),
      POST: async ({ req, query, name, verb }) => {
        await readJson(req, MAX_REQUEST_BYTES);
        if (verb === 'pause') return queueJson(query)(service.setQueueState(name, 'PAUSED'));
        if (verb === 'resume') return queueJson(query)(service.setQueueState(name, 'RUNNING'));
        if (verb === 'purge') return queueJson(query)(service.purgeQueue(name));
        return undefined;
      },
    },
    tasks: {
      GET: async ({ query, name }) => {
        const view = parseView(query.get('responseView'));
        const page = service.listTasks(name, query.get('pageSize'), query.get('pageToken'));
        return {
          tasks: page.items.map((task) => taskToJson(task, view, asInt(query))),
          ...(page.nextPageToken ? { nextPageToken: page.nextPageToken } : {}),
        };
      },
      POST: async ({ req, query, name }) => {
        const body = await readJson(req, MAX_REQUEST_BYTES);
        return taskToJson(service.createTask(name, body.task), parseView(body.responseView), asInt(query));
      },
    },
    task: {
      GET: async ({ query, name, verb }) =>
        verb ? undefined : taskToJson(service.getTask(name), parseView(query.get('responseView')), asInt(query)),
      DELETE: async ({ name, verb }) => (verb ? undefined : (service.deleteTask(name), {})),
      POST: async ({ req, query, name, verb }) => {
        if (verb !== 'run') return undefined;
        const body = await readJson(req, MAX_REQUEST_BYTES);
        return taskToJson(service.runTask(name), parseView(body.responseView), asInt(query));
      },
    },
  };

  /** Answers the request if it is a Cloud Tasks API call; false lets the server try other routes. */
  return async function handleRestApi(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    const app = /^\/v1\/apps\/([^/]+)$/.exec(url.pathname);
    if (app && req.method === 'GET') {
      sendJson(res, 200, service.appEngineApp(decodeURIComponent(app[1])));
      return true;
    }
    // google-gax's locations mixin in @google-cloud/tasks 7 asks at /v1/projects/P/locations[/L]; gcloud at /v2/.
    if (/^\/v1\/projects\/[^/]+\/locations(\/[^/]+)?$/.test(url.pathname))
      url = new URL(url.pathname.replace(/^\/v1\//, '/v2/') + url.search, url);
    const api = API_PATH.exec(url.pathname)?.[1];
    if (!api) return false;
    try {
      let path: string;
      try {
        path = url.pathname
          .slice(api.length + 2)
          .split('/')
          .map(decodeURIComponent)
          .join('/');
      } catch {
        throw invalidArgument(`The URL path ${url.pathname} has a malformed %-escape`);
      }
      for (const [route, pattern] of Object.entries(ROUTES) as [keyof typeof ROUTES, RegExp][]) {
        const match = pattern.exec(path);
        if (!match) continue;
        const handler = handlers[route][req.method ?? 'GET'];
        const result = handler && (await handler({ req, query: url.searchParams, name: match[1], verb: match[2], api }));
        if (result === undefined) break;
        sendJson(res, 200, result);
        return true;
      }
      throw new ApiError(
        'UNIMPLEMENTED',
        `${req.method} ${url.pathname} is not a Cloud Tasks ${api} method the emulator implements (locations: list, get; queues: create, get, list, patch, delete, pause, resume, purge; tasks: create, buffer, get, list, delete, run, batchCreate, batchDelete; operations: get)`,
      );
    } catch (error) {
      sendError(res, error);
      return true;
    }
  };
}
