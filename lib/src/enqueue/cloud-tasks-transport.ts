import type { CloudTasksClient } from '@google-cloud/tasks';
import { createCloudTasksClient, type CloudTasksClientOptions } from '../contract/cloud-tasks-client.js';
import { CloudTasksError, TaskAlreadyExistsError } from '../contract/errors.js';
import { queuePath, type CreateTaskRequest, type CreatedTask, type TaskTransport } from '../contract/transport.js';

export interface CloudTasksTransportOptions {
  /** `host:port` of the local emulator (CLOUD_TASKS_EMULATOR_HOST): REST over plain HTTP, no credentials. */
  emulatorHost?: string;
  /** Passed to `new CloudTasksClient()` as-is, after the emulator's settings (custom endpoints, tests). */
  clientOptions?: CloudTasksClientOptions;
}

function toTimestamp(date: Date): { seconds: number; nanos: number } {
  const ms = date.getTime();
  return { seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 };
}

/** Both gax generations: gax 6 gives gRPC codes (6 = ALREADY_EXISTS), gax 5 an HTTP status. */
function toEnqueueError(error: unknown, request: CreateTaskRequest): Error {
  const { code, httpStatusCode, message = String(error) } = (error ?? {}) as { code?: unknown; httpStatusCode?: unknown; message?: string };
  const status = typeof httpStatusCode === 'number' ? httpStatusCode : typeof code === 'number' && code >= 100 ? code : undefined;
  const grpc = typeof code === 'number' && code < 100 ? code : undefined;
  const queue = queuePath(request);
  if (grpc === 6 || status === 409) return new TaskAlreadyExistsError(`${queue}/tasks/${request.taskId ?? '(unnamed)'}`);
  const cause = { cause: error };
  if (grpc === 7 || status === 403) {
    return new CloudTasksError(7, `Cloud Tasks refused to create a task in ${queue} (PERMISSION_DENIED): the app's runtime service account needs roles/cloudtasks.enqueuer on the queue, and roles/iam.serviceAccountUser on ${request.oidcToken.serviceAccountEmail} to attach its OIDC token. Google said: ${message}`, cause);
  }
  if (grpc === 5 || status === 404) {
    return new CloudTasksError(5, `queue ${queue} does not exist in Cloud Tasks: deploy queue.yaml with \`npm run queues -- apply\` (GOOGLE_CLOUD_PROJECT and CLOUD_TASKS_LOCATION must name the project and region of the queues). Google said: ${message}`, cause);
  }
  if (grpc === 16 || status === 401) {
    return new CloudTasksError(16, `Cloud Tasks did not accept the app's credentials (UNAUTHENTICATED): on Cloud Run the runtime service account is used; locally run \`gcloud auth application-default login\` or set CLOUD_TASKS_EMULATOR_HOST. Google said: ${message}`, cause);
  }
  return new CloudTasksError(grpc, `Cloud Tasks could not create a task in ${queue}: ${message}`, cause);
}

/** The production transport (and, with `emulatorHost`, the emulator's): one client, made on first use and reused. */
export function createCloudTasksTransport(options: CloudTasksTransportOptions = {}): TaskTransport {
  let client: Promise<CloudTasksClient> | undefined;
  return {
    async createTask(request: CreateTaskRequest): Promise<CreatedTask> {
      client ??= createCloudTasksClient(options.emulatorHost, options.clientOptions).catch((error) => {
        client = undefined;
        throw error;
      });
      const parent = queuePath(request);
      const task = {
        name: request.taskId ? `${parent}/tasks/${request.taskId}` : undefined,
        scheduleTime: request.scheduleTime ? toTimestamp(request.scheduleTime) : undefined,
        dispatchDeadline: request.dispatchDeadlineSeconds ? { seconds: request.dispatchDeadlineSeconds } : undefined,
        httpRequest: {
          url: request.url,
          httpMethod: 'POST' as const,
          headers: request.headers,
          // A Buffer: the REST client takes a string body as base64 already.
          body: Buffer.from(request.body),
          oidcToken: request.oidcToken,
        },
      };
      try {
        const [created] = await (await client).createTask({ parent, task });
        return { name: created.name ?? `${parent}/tasks/${request.taskId ?? ''}` };
      } catch (error) {
        throw toEnqueueError(error, request);
      }
    },
  };
}
