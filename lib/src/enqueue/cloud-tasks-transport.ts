import type { CloudTasksClient } from '@google-cloud/tasks';
import {
  createCloudTasksBetaClient,
  createCloudTasksClient,
  type CloudTasksBetaClient,
  type CloudTasksClientOptions,
} from '../contract/cloud-tasks-client.js';
import { compileTaskMessages } from '../contract/compile-task-messages.js';
import { isRpcCode, readGoogleApiError, RPC_CODE } from '../contract/google-errors.js';
import { parseTaskName, queuePath } from '../contract/names.js';
import { type CreateTaskRequest, type CreatedTask, type TaskTransport } from '../contract/transport.js';
import { processState } from '../runtime/process-state.js';
import { batchCreateTasks, batchDeleteTasks, taskMessage } from './cloud-tasks-batches.js';
import { toDeleteError, toEnqueueError } from './cloud-tasks-errors.js';

export interface CloudTasksTransportOptions {
  /** `host:port` of the local emulator (CLOUD_TASKS_EMULATOR_HOST): REST over plain HTTP, no credentials. */
  emulatorHost?: string;
  /** Passed to `new CloudTasksClient()` as-is, after the emulator's settings (custom endpoints, tests). */
  clientOptions?: CloudTasksClientOptions;
}

/** v2 for what it has; v2beta3 for batches and a task's own retry settings, which @google-cloud/tasks 7.1 has only there. */
const MAKERS = { v2: createCloudTasksClient, v2beta3: createCloudTasksBetaClient };
type Version = keyof typeof MAKERS;
type ClientOf<V extends Version> = V extends 'v2' ? CloudTasksClient : CloudTasksBetaClient;

/** Made once, kept while it works: a promise that failed is forgotten, so the next call makes it again. */
function memo<T>(cache: Map<string, Promise<unknown>>, key: string, make: () => Promise<T>): Promise<T> {
  let made = cache.get(key) as Promise<T> | undefined;
  if (!made) {
    made = make().catch((error) => {
      cache.delete(key);
      throw error;
    });
    cache.set(key, made);
  }
  return made;
}

/**
 * The Cloud Tasks client of `version` for `emulatorHost` (or Google's), one per process whichever
 * module instance asks: made on first use (the v2beta3 one by the first batch or task with its
 * own retry settings), and made again if making it failed.
 */
function sharedClient<V extends Version>(version: V, emulatorHost: string | undefined): Promise<ClientOf<V>> {
  const clients = processState('cloud-tasks-clients', () => new Map<string, Promise<unknown>>());
  return memo(clients, `${version} ${emulatorHost ?? ''}`, () => MAKERS[version](emulatorHost) as Promise<ClientOf<V>>);
}

/**
 * Imports `@google-cloud/tasks` (~200-400 ms: gax, protobufjs, the protos), builds the shared
 * client and compiles the messages a CreateTask carries, with no network call: its stub,
 * credentials and connection are made by the first request (registerDeferred calls this at
 * start, so the first defer() skips the import and the compiling).
 */
export async function loadCloudTasksClient(emulatorHost: string | undefined): Promise<void> {
  compileTaskMessages(await sharedClient('v2', emulatorHost));
}

/** The production transport (and, with `emulatorHost`, the emulator's): one client per API version, made on first use and reused. */
export function createCloudTasksTransport(options: CloudTasksTransportOptions = {}): TaskTransport {
  // With custom client options (tests, custom endpoints) the clients are this transport's own.
  const own = new Map<string, Promise<unknown>>();
  const clientFor = <V extends Version>(version: V): Promise<ClientOf<V>> =>
    options.clientOptions
      ? memo(own, version, () => MAKERS[version](options.emulatorHost, options.clientOptions) as Promise<ClientOf<V>>)
      : sharedClient(version, options.emulatorHost);
  return {
    async createTask(request: CreateTaskRequest): Promise<CreatedTask> {
      const parent = queuePath(request);
      // A task with its own retry settings goes through v2beta3: v2's client has no field for them.
      const client = request.retry ? clientFor('v2beta3') : clientFor('v2');
      try {
        const [created] = await (await client).createTask({ parent, task: taskMessage(request) });
        return { name: created.name ?? `${parent}/tasks/${request.taskId ?? ''}` };
      } catch (error) {
        throw toEnqueueError(error, request);
      }
    },
    async deleteTask(name: string): Promise<boolean> {
      const client = clientFor('v2');
      try {
        await (await client).deleteTask({ name });
        return true;
      } catch (error) {
        // The task ran (Cloud Tasks deletes a task once it succeeds or gives up) or was deleted before.
        if (isRpcCode(readGoogleApiError(error), RPC_CODE.NOT_FOUND)) return false;
        throw toDeleteError(error, name);
      }
    },
    async createTasks(requests, call) {
      return batchCreateTasks(await clientFor('v2beta3'), requests, call);
    },
    async deleteTasks(names, call) {
      const parts = parseTaskName(names[0]);
      return batchDeleteTasks(await clientFor('v2beta3'), parts ? queuePath(parts) : names[0], names, call);
    },
  };
}
