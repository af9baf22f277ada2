import { RPC_CODE } from '../contract/google-errors.js';
import { createCloudTasksCaller, type CloudTasksAdminOptions } from './cloud-tasks-admin.js';
import { QueuesApiError } from './errors.js';
import { durationSeconds, type DurationLike } from '../deploy/api-resource.js';
import { queuePath } from '../contract/names.js';
import { createCloudTasksBetaClient } from '../contract/cloud-tasks-client.js';
import { retryConfigMessage, type RetryConfig } from '../contract/queue-settings.js';

/** A task as Cloud Tasks stores it, in our terms: what a replay needs to create it again. */
export interface StoredTask {
  /** projects/P/locations/L/queues/Q/tasks/T */
  name: string;
  url: string;
  headers: Record<string, string>;
  /** Only when read in the FULL view (getTask here); listTasks leaves it out, as BASIC does. */
  body?: Buffer;
  oidcToken?: { serviceAccountEmail: string; audience?: string };
  dispatchDeadlineSeconds?: number;
  /** When the task was created: for a dead task, when it was dead-lettered. */
  createTime?: Date;
  /** The task's own retry settings (v2beta3's Task.retry_config), to create it with. */
  retry?: RetryConfig;
}

/** The task calls the dead-letters CLI makes; `queue` is a short queue id, `name` a task's full name. */
export interface DeadLetterAdmin {
  /** Every task of the queue (BASIC view: no body; headers are there). */
  listTasks(queue: string): Promise<StoredTask[]>;
  /** The task with its body (FULL view), or undefined when there is no such task. */
  getTask(name: string): Promise<StoredTask | undefined>;
  /** Creates the task in `queue` under a name Cloud Tasks picks; resolves with that name. */
  createTask(queue: string, task: Omit<StoredTask, 'name' | 'createTime'>): Promise<string>;
  deleteTask(name: string): Promise<void>;
  close?(): Promise<void>;
}

type TaskResource = {
  name?: string | null;
  createTime?: { seconds?: unknown; nanos?: unknown } | string | null;
  dispatchDeadline?: DurationLike;
  httpRequest?: {
    url?: string | null;
    headers?: Record<string, string> | null;
    body?: Uint8Array | string | null;
    oidcToken?: { serviceAccountEmail?: string | null; audience?: string | null } | null;
  } | null;
};

function timestamp(value: TaskResource['createTime']): Date | undefined {
  if (value == null) return undefined;
  if (typeof value === 'string') return new Date(value);
  return new Date(Number(value.seconds ?? 0) * 1000 + Math.floor(Number(value.nanos ?? 0) / 1e6));
}

function fromTaskResource(task: TaskResource): StoredTask {
  const http = task.httpRequest ?? {};
  // REST mode gives bytes as a Uint8Array; a base64 string is accepted too (another client version).
  const bytes = typeof http.body === 'string' ? Buffer.from(http.body, 'base64') : http.body ? Buffer.from(http.body) : undefined;
  const body = bytes?.length ? bytes : undefined;
  const oidc = http.oidcToken;
  return {
    name: task.name ?? '',
    url: http.url ?? '',
    headers: { ...(http.headers ?? {}) },
    ...(body ? { body } : {}),
    ...(oidc?.serviceAccountEmail
      ? { oidcToken: { serviceAccountEmail: oidc.serviceAccountEmail, ...(oidc.audience ? { audience: oidc.audience } : {}) } }
      : {}),
    ...(task.dispatchDeadline ? { dispatchDeadlineSeconds: durationSeconds(task.dispatchDeadline) } : {}),
    ...(task.createTime ? { createTime: timestamp(task.createTime) } : {}),
  };
}

/** Cloud Tasks answered NOT_FOUND (the queue or task does not exist). */
export const isNotFound = (error: unknown): error is QueuesApiError =>
  error instanceof QueuesApiError && (error.code === RPC_CODE.NOT_FOUND || error.status === 404);

/**
 * A DeadLetterAdmin over the real @google-cloud/tasks client, in REST mode, as the queue
 * deployer's; its v2beta3 client, whose tasks carry their own retry settings, so that a replayed
 * task keeps the ones it was deferred with.
 */
export function createDeadLetterAdmin(options: CloudTasksAdminOptions): DeadLetterAdmin & { close(): Promise<void> } {
  const { call, close } = createCloudTasksCaller(options, createCloudTasksBetaClient);
  const path = (queue: string) => queuePath({ project: options.project, location: options.location, queue });
  return {
    async listTasks(queue) {
      const [tasks] = await call(`list tasks of queue ${queue}`, (c) => c.listTasks({ parent: path(queue), responseView: 'BASIC' }));
      return (tasks as TaskResource[]).map(fromTaskResource);
    },
    async getTask(name) {
      try {
        const [task] = await call(`get task ${name}`, (c) => c.getTask({ name, responseView: 'FULL' }));
        return fromTaskResource(task as TaskResource);
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw error;
      }
    },
    async createTask(queue, task) {
      const [created] = await call(`create a task in queue ${queue}`, (c) =>
        c.createTask({
          parent: path(queue),
          task: {
            httpRequest: {
              url: task.url,
              httpMethod: 'POST',
              headers: task.headers,
              // A Buffer: the REST client takes a string body as base64 already.
              ...(task.body ? { body: task.body } : {}),
              ...(task.oidcToken ? { oidcToken: task.oidcToken } : {}),
            },
            ...(task.dispatchDeadlineSeconds ? { dispatchDeadline: { seconds: Math.round(task.dispatchDeadlineSeconds) } } : {}),
            ...(task.retry ? { retryConfig: retryConfigMessage(task.retry) } : {}),
          },
        }),
      );
      return (created as TaskResource).name ?? '';
    },
    async deleteTask(name) {
      await call(`delete task ${name}`, (c) => c.deleteTask({ name }));
    },
    close,
  };
}
