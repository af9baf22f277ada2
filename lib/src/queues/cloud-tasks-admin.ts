import type { AuthClient } from 'google-auth-library';
import { createCloudTasksClient, type CloudTasksClientOptions } from '../contract/cloud-tasks-client.js';
import { queuePath } from '../contract/names.js';
import { createAdminCaller, type AdminCall } from '../deploy/admin-call.js';
import type { ApiHints } from '../deploy/admin-errors.js';
import type { QueueAdmin } from './deploy-queues.js';
import { QueuesApiError } from './errors.js';
import { fromQueueResource, type QueueResource, toQueueResource } from './live-queue.js';
import type { QueueField } from './queue-resource.js';

export interface CloudTasksAdminOptions {
  project: string;
  location: string;
  /**
   * `host:port` of the local emulator: plain HTTP, no credentials. The CLI passes
   * CLOUD_TASKS_EMULATOR_HOST. @default unset: Google, with Application Default Credentials
   */
  emulatorHost?: string;
  /** Auth client to use instead of ADC (tests pass a PassThroughClient). @default undefined (ADC) */
  authClient?: AuthClient;
  /**
   * Waits before each retry of a call Cloud Tasks answered 429 (the client itself does not retry
   * those). Their count is the number of retries. @default [1000, 3000, 9000]
   */
  rateLimitRetryDelaysMs?: number[];
}

type TasksClient = import('@google-cloud/tasks').CloudTasksClient;

/** What to do about each failure of a Cloud Tasks call: the roles the queue commands need. */
const CLOUD_TASKS_HINTS: ApiHints = {
  api: 'Cloud Tasks',
  serviceName: 'cloudtasks.googleapis.com',
  permissionDenied: () =>
    'grant the deploying account roles/cloudtasks.queueAdmin on the project (see node_modules/next-cloud-tasks/docs/queues-ci.md); for plan/check alone, roles/cloudtasks.viewer is enough.',
  rateLimited:
    'Cloud Tasks rate-limited the queue admin calls (HTTP 429) and retrying did not help: wait a minute and run again (apply is idempotent), or ask for more "Queue management requests" quota.',
  locationVariable: 'CLOUD_TASKS_LOCATION',
  region: 'a Cloud Tasks region such as us-central1: gcloud tasks locations list',
  alreadyExists:
    "The queue exists, or was deleted less than 7 days ago (Cloud Tasks keeps a deleted queue's name for 7 days): pick another name or wait.",
  invalidEntry: "this queue's entry in queue.yaml (npx next-cloud-tasks queues validate)",
  unreachableExtra: ', or that the emulator runs when CLOUD_TASKS_EMULATOR_HOST is set',
  credentialsExtra: '; or set CLOUD_TASKS_EMULATOR_HOST to use the emulator',
};

/**
 * The real @google-cloud/tasks client in REST mode (works through proxies and with msw), made on
 * the first call: what the queue deployer and the dead-letters CLI share. Loading it costs
 * ~400 ms and gRPC's load: only the CLI (and tests) pay it, never the task handler.
 */
export function createCloudTasksCaller<Client extends { close(): Promise<void> } = TasksClient>(
  options: CloudTasksAdminOptions,
  /** v2's client, or v2beta3's (createCloudTasksBetaClient: a task's own retry settings). */
  makeClient: (emulatorHost: string | undefined, options: CloudTasksClientOptions) => Promise<Client> = createCloudTasksClient as never,
): { call: AdminCall<Client>; close(): Promise<void> } {
  const { emulatorHost, authClient } = options;
  return createAdminCaller<Client>({
    ...options,
    endpoint: emulatorHost ? `http://${emulatorHost}` : 'https://cloudtasks.googleapis.com',
    // The emulator is plain HTTP and asks for no credentials.
    noCredentials: Boolean(emulatorHost),
    createClient: (credentials) =>
      emulatorHost
        ? makeClient(emulatorHost, authClient ? { authClient } : {})
        : makeClient(undefined, { fallback: true, authClient: credentials } as CloudTasksClientOptions),
    hints: CLOUD_TASKS_HINTS,
    ErrorClass: QueuesApiError,
  });
}

/** A QueueAdmin over the real @google-cloud/tasks client, in REST mode (works through proxies and with msw). */
export function createCloudTasksAdmin(options: CloudTasksAdminOptions): QueueAdmin & { close(): Promise<void> } {
  const parent = `projects/${options.project}/locations/${options.location}`;
  const path = (queue: string) => queuePath({ project: options.project, location: options.location, queue });
  const { call, close } = createCloudTasksCaller(options);

  return {
    async list() {
      const [queues] = await call(`list queues in ${parent}`, (c) => c.listQueues({ parent }));
      return (queues as QueueResource[]).map(fromQueueResource);
    },
    async create(settings) {
      await call(`create queue ${settings.name}`, (c) => c.createQueue({ parent, queue: toQueueResource(settings, path(settings.name)) }));
    },
    async update(settings, fields) {
      await call(`update queue ${settings.name} (${fields.join(', ')})`, (c) =>
        c.updateQueue({
          queue: toQueueResource(settings, path(settings.name), fields as QueueField[]),
          updateMask: { paths: [...fields] },
        }),
      );
    },
    async pause(name) {
      await call(`pause queue ${name}`, (c) => c.pauseQueue({ name: path(name) }));
    },
    async resume(name) {
      await call(`resume queue ${name}`, (c) => c.resumeQueue({ name: path(name) }));
    },
    close,
  };
}
