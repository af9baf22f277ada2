import type { AuthClient } from 'google-auth-library';
import { createCloudTasksClient, type CloudTasksClientOptions } from '../contract/cloud-tasks-client.js';
import { isRateLimited, toQueuesApiError } from './admin-errors.js';
import type { QueueAdmin } from './apply.js';
import { QueuesApiError } from './errors.js';
import { createGoogleAdminCaller, loadDefaultCredentials } from './google-admin-call.js';
import type { LiveQueue } from './plan.js';
import { queuePath } from '../contract/names.js';
import { RPC_CODE } from '../contract/google-errors.js';
import { fromQueueResource, type QueueResource, toQueueResource } from './live-queue.js';

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

const credentialsError = (detail: string, cause: unknown) =>
  new QueuesApiError(
    'load Application Default Credentials',
    RPC_CODE.UNAUTHENTICATED,
    undefined,
    'No usable Application Default Credentials: locally run `gcloud auth application-default login`; in GitHub Actions run google-github-actions/auth before this step (see node_modules/next-cloud-tasks/docs/queues-ci.md); or set CLOUD_TASKS_EMULATOR_HOST to use the emulator.',
    detail,
    { cause },
  );

/** REST mode (works through proxies and with msw); Application Default Credentials unless the emulator or a test says otherwise. */
async function createClient(options: CloudTasksAdminOptions, emulatorHost: string | undefined): Promise<TasksClient> {
  // ~400 ms and gRPC's load: only the CLI (and tests) pay it, never the task handler.
  if (emulatorHost) return createCloudTasksClient(emulatorHost, options.authClient ? { authClient: options.authClient } : {});
  return createCloudTasksClient(undefined, {
    fallback: true,
    authClient: options.authClient ?? (await loadDefaultCredentials(credentialsError)),
  } as CloudTasksClientOptions);
}

/** Runs one Cloud Tasks call, retrying 429s; any error becomes a QueuesApiError naming `operation`. */
export type CloudTasksCall = <T>(operation: string, fn: (client: TasksClient) => Promise<T>) => Promise<T>;

/**
 * The real @google-cloud/tasks client in REST mode (works through proxies and with msw), made on
 * the first call: what the queue deployer and the dead-letters CLI share.
 */
export function createCloudTasksCaller(options: CloudTasksAdminOptions): { call: CloudTasksCall; close(): Promise<void> } {
  const { emulatorHost } = options;
  const endpoint = emulatorHost ? `http://${emulatorHost}` : 'https://cloudtasks.googleapis.com';
  return createGoogleAdminCaller({
    createClient: () => createClient(options, emulatorHost),
    isRateLimited,
    toError: (err, operation) => toQueuesApiError(err, { operation, project: options.project, location: options.location, endpoint }),
    isOwnError: (err) => err instanceof QueuesApiError,
    rateLimitRetryDelaysMs: options.rateLimitRetryDelaysMs,
  });
}

/** A QueueAdmin over the real @google-cloud/tasks client, in REST mode (works through proxies and with msw). */
export function createCloudTasksAdmin(options: CloudTasksAdminOptions): QueueAdmin & { close(): Promise<void> } {
  const parent = `projects/${options.project}/locations/${options.location}`;
  const path = (queue: string) => queuePath({ project: options.project, location: options.location, queue });
  const { call, close } = createCloudTasksCaller(options);

  return {
    async listQueues(): Promise<LiveQueue[]> {
      const [queues] = await call(`list queues in ${parent}`, (c) => c.listQueues({ parent }));
      return (queues as QueueResource[]).map(fromQueueResource);
    },
    async createQueue(settings) {
      await call(`create queue ${settings.name}`, (c) => c.createQueue({ parent, queue: toQueueResource(settings, path(settings.name)) }));
    },
    async updateQueue(settings, fields) {
      await call(`update queue ${settings.name} (${fields.join(', ')})`, (c) =>
        c.updateQueue({ queue: toQueueResource(settings, path(settings.name), fields), updateMask: { paths: [...fields] } }),
      );
    },
    async pauseQueue(name) {
      await call(`pause queue ${name}`, (c) => c.pauseQueue({ name: path(name) }));
    },
    async resumeQueue(name) {
      await call(`resume queue ${name}`, (c) => c.resumeQueue({ name: path(name) }));
    },
    close,
  };
}
