/**
 * Cloud Tasks v2 REST at Google's paths (see cloudtasks.proto's http rules), for the methods the
 * adapter and the queue CLI use. google-gax in REST mode ("fallback") sends
 * `$alt=json;enum-encoding=int`, so enums are answered as numbers when asked for.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, invalidArgument } from './api-error.js';
import { readJson, sendError, sendJson } from './http-util.js';
import { queueToJson } from './queue-resource.js';
import { parseView, taskToJson } from './task-resource.js';
import type { TasksService } from './tasks-service.js';

/** Request bodies past this are refused before parsing (a task is at most 1 MiB, base64 grows it). */
const MAX_REQUEST_BYTES = 2 * 1024 * 1024;

const SEGMENT = '[^/:]+';
const PARENT = `projects/${SEGMENT}/locations/${SEGMENT}`;
const QUEUE = `${PARENT}/queues/${SEGMENT}`;
const ROUTES = {
  locations: new RegExp(`^/v2/(projects/${SEGMENT})/locations$`),
  location: new RegExp(`^/v2/(${PARENT})$`),
  // BufferTask: .../tasks/ID:buffer, and .../tasks/:buffer (an empty id, as gcloud sends it) or .../tasks:buffer.
  buffer: new RegExp(`^/v2/(${QUEUE})/tasks(?:/(${SEGMENT})?)?:buffer$`),
  queues: new RegExp(`^/v2/(${PARENT})/queues$`),
  queue: new RegExp(`^/v2/(${QUEUE})(?::(pause|resume|purge))?$`),
  tasks: new RegExp(`^/v2/(${QUEUE})/tasks$`),
  task: new RegExp(`^/v2/(${QUEUE}/tasks/${SEGMENT})(?::(run))?$`),
};

type Handler = (req: IncomingMessage, query: URLSearchParams, name: string, verb: string | undefined) => Promise<unknown>;

export function createRestApi(service: TasksService) {
  const asInt = (query: URLSearchParams) => (query.get('$alt') ?? '').includes('enum-encoding=int');
  const queueJson = (query: URLSearchParams) => (queue: Parameters<typeof queueToJson>[0]) => queueToJson(queue, asInt(query));

  const handlers: Record<keyof typeof ROUTES, Partial<Record<string, Handler>>> = {
    locations: {
      GET: async (_req, _query, project) => ({ locations: service.listLocations(project.slice('projects/'.length)) }),
    },
    location: {
      GET: async (_req, _query, name) => service.getLocation(name),
    },
    buffer: {
      POST: async (req, query, queue, taskId) => {
        const body = await readJson(req, MAX_REQUEST_BYTES);
        const task = service.bufferTask(queue, taskId || undefined, body.body as { contentType?: unknown; data?: unknown } | undefined);
        return { task: taskToJson(task, 'BASIC', asInt(query)) };
      },
    },
    queues: {
      GET: async (_req, query, parent) => {
        const page = service.listQueues(parent, query.get('filter'), query.get('pageSize'), query.get('pageToken'));
        return { queues: page.items.map(queueJson(query)), ...(page.nextPageToken ? { nextPageToken: page.nextPageToken } : {}) };
      },
      POST: async (req, query, parent) => queueJson(query)(service.createQueue(parent, await readJson(req, MAX_REQUEST_BYTES))),
    },
    queue: {
      GET: async (_req, query, name, verb) => (verb ? undefined : queueJson(query)(service.getQueue(name))),
      PATCH: async (req, query, name, verb) =>
        verb ? undefined : queueJson(query)(service.updateQueue(name, await readJson(req, MAX_REQUEST_BYTES), query.get('updateMask'))),
      DELETE: async (_req, _query, name, verb) => (verb ? undefined : (service.deleteQueue(name), {})),
      POST: async (req, query, name, verb) => {
        await readJson(req, MAX_REQUEST_BYTES);
        if (verb === 'pause') return queueJson(query)(service.setQueueState(name, 'PAUSED'));
        if (verb === 'resume') return queueJson(query)(service.setQueueState(name, 'RUNNING'));
        if (verb === 'purge') return queueJson(query)(service.purgeQueue(name));
        return undefined;
      },
    },
    tasks: {
      GET: async (_req, query, queue) => {
        const view = parseView(query.get('responseView'));
        const page = service.listTasks(queue, query.get('pageSize'), query.get('pageToken'));
        return {
          tasks: page.items.map((task) => taskToJson(task, view, asInt(query))),
          ...(page.nextPageToken ? { nextPageToken: page.nextPageToken } : {}),
        };
      },
      POST: async (req, query, queue) => {
        const body = await readJson(req, MAX_REQUEST_BYTES);
        return taskToJson(service.createTask(queue, body.task), parseView(body.responseView), asInt(query));
      },
    },
    task: {
      GET: async (_req, query, name, verb) =>
        verb ? undefined : taskToJson(service.getTask(name), parseView(query.get('responseView')), asInt(query)),
      DELETE: async (_req, _query, name, verb) => (verb ? undefined : (service.deleteTask(name), {})),
      POST: async (req, query, name, verb) => {
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
    if (!url.pathname.startsWith('/v2/')) return false;
    try {
      let path: string;
      try {
        path = url.pathname.split('/').map(decodeURIComponent).join('/');
      } catch {
        throw invalidArgument(`The URL path ${url.pathname} has a malformed %-escape`);
      }
      for (const [route, pattern] of Object.entries(ROUTES) as [keyof typeof ROUTES, RegExp][]) {
        const match = pattern.exec(path);
        if (!match) continue;
        const handler = handlers[route][req.method ?? 'GET'];
        const result = handler && (await handler(req, url.searchParams, match[1], match[2]));
        if (result === undefined) break;
        sendJson(res, 200, result);
        return true;
      }
      throw new ApiError(
        'UNIMPLEMENTED',
        `${req.method} ${url.pathname} is not a Cloud Tasks v2 method the emulator implements (locations: list, get; queues: create, get, list, patch, delete, pause, resume, purge; tasks: create, buffer, get, list, delete, run)`,
      );
    } catch (error) {
      sendError(res, error);
      return true;
    }
  };
}
