import type { CloudTasksClient } from '@google-cloud/tasks';
import { createCloudTasksClient, type CloudTasksClientOptions } from '../contract/cloud-tasks-client.js';
import { CloudTasksError, TaskAlreadyExistsError } from '../contract/errors.js';
import { isRpcCode, readGoogleApiError, RPC_CODE } from '../contract/google-errors.js';
import { timestampObject } from '../contract/proto-json.js';
import { queuePath } from '../contract/names.js';
import { type CreateTaskRequest, type CreatedTask, type TaskTransport } from '../contract/transport.js';
import { processState } from '../runtime/process-state.js';

export interface CloudTasksTransportOptions {
  /** `host:port` of the local emulator (CLOUD_TASKS_EMULATOR_HOST): REST over plain HTTP, no credentials. */
  emulatorHost?: string;
  /** Passed to `new CloudTasksClient()` as-is, after the emulator's settings (custom endpoints, tests). */
  clientOptions?: CloudTasksClientOptions;
}

function toEnqueueError(error: unknown, request: CreateTaskRequest): Error {
  const google = readGoogleApiError(error);
  const { message } = google;
  const queue = queuePath(request);
  if (isRpcCode(google, RPC_CODE.ALREADY_EXISTS)) return new TaskAlreadyExistsError(`${queue}/tasks/${request.taskId ?? '(unnamed)'}`);
  const cause = { cause: error };
  if (isRpcCode(google, RPC_CODE.PERMISSION_DENIED)) {
    return new CloudTasksError(
      RPC_CODE.PERMISSION_DENIED,
      `Cloud Tasks refused to create a task in ${queue} (PERMISSION_DENIED): the app's runtime service account needs roles/cloudtasks.enqueuer on the queue, and roles/iam.serviceAccountUser on ${request.oidcToken.serviceAccountEmail} to attach its OIDC token. Google said: ${message}`,
      cause,
    );
  }
  if (isRpcCode(google, RPC_CODE.NOT_FOUND)) {
    return new CloudTasksError(
      RPC_CODE.NOT_FOUND,
      `queue ${queue} does not exist in Cloud Tasks: deploy queue.yaml with \`npx next-cloud-tasks queues apply\` (GOOGLE_CLOUD_PROJECT and CLOUD_TASKS_LOCATION must name the project and region of the queues). Google said: ${message}`,
      cause,
    );
  }
  if (isRpcCode(google, RPC_CODE.UNAUTHENTICATED)) {
    return new CloudTasksError(
      RPC_CODE.UNAUTHENTICATED,
      `Cloud Tasks did not accept the app's credentials (UNAUTHENTICATED): on Cloud Run the runtime service account is used; locally run \`gcloud auth application-default login\` or set CLOUD_TASKS_EMULATOR_HOST. Google said: ${message}`,
      cause,
    );
  }
  return new CloudTasksError(google.code, `Cloud Tasks could not create a task in ${queue}: ${message}`, cause);
}

/** A DeleteTask error as one that says what to do; NOT_FOUND is not an error (the caller answers `false`). */
function toDeleteError(error: unknown, name: string): Error {
  const google = readGoogleApiError(error);
  const cause = { cause: error };
  if (isRpcCode(google, RPC_CODE.PERMISSION_DENIED)) {
    return new CloudTasksError(
      RPC_CODE.PERMISSION_DENIED,
      `Cloud Tasks refused to delete ${name} (PERMISSION_DENIED): the app's runtime service account needs roles/cloudtasks.taskDeleter on the queue (roles/cloudtasks.enqueuer only creates tasks). Google said: ${google.message}`,
      cause,
    );
  }
  return new CloudTasksError(google.code, `Cloud Tasks could not delete ${name}: ${google.message}`, cause);
}

/**
 * The Cloud Tasks client for `emulatorHost` (or Google's), one per process whichever module
 * instance asks: made on first use, and made again if making it failed.
 */
function sharedClient(emulatorHost: string | undefined): Promise<CloudTasksClient> {
  const clients = processState('cloud-tasks-clients', () => new Map<string, Promise<CloudTasksClient>>());
  const key = emulatorHost ?? '';
  let client = clients.get(key);
  if (!client) {
    client = createCloudTasksClient(emulatorHost).catch((error) => {
      clients.delete(key);
      throw error;
    });
    clients.set(key, client);
  }
  return client;
}

/**
 * Imports `@google-cloud/tasks` (~200-400 ms: gax, protobufjs, the protos) and builds the shared
 * client, with no network call: its stub, credentials and connection are made by the first
 * request (registerDeferred calls this at start, so the first defer() skips the import).
 */
export async function loadCloudTasksClient(emulatorHost: string | undefined): Promise<void> {
  await sharedClient(emulatorHost);
}

/** The production transport (and, with `emulatorHost`, the emulator's): one client, made on first use and reused. */
export function createCloudTasksTransport(options: CloudTasksTransportOptions = {}): TaskTransport {
  let own: Promise<CloudTasksClient> | undefined;
  // With custom client options (tests, custom endpoints) the client is this transport's own.
  const clientFor = () =>
    options.clientOptions
      ? (own ??= createCloudTasksClient(options.emulatorHost, options.clientOptions).catch((error) => {
          own = undefined;
          throw error;
        }))
      : sharedClient(options.emulatorHost);
  return {
    async createTask(request: CreateTaskRequest): Promise<CreatedTask> {
      const client = clientFor();
      const parent = queuePath(request);
      const task = {
        name: request.taskId ? `${parent}/tasks/${request.taskId}` : undefined,
        scheduleTime: request.scheduleTime ? timestampObject(request.scheduleTime.getTime()) : undefined,
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
    async deleteTask(name: string): Promise<boolean> {
      const client = clientFor();
      try {
        await (await client).deleteTask({ name });
        return true;
      } catch (error) {
        // The task ran (Cloud Tasks deletes a task once it succeeds or gives up) or was deleted before.
        if (isRpcCode(readGoogleApiError(error), RPC_CODE.NOT_FOUND)) return false;
        throw toDeleteError(error, name);
      }
    },
  };
}
