/**
 * BatchCreateTasks and BatchDeleteTasks through `@google-cloud/tasks`' v2beta3 client, and the
 * Task message every create sends. A batch is answered with a long-running operation (Cloud
 * Tasks' and the emulator's come back done; one that is not is polled, at Cloud Tasks' own
 * GetOperation path: see createCloudTasksBetaClient): its metadata names the failed items by
 * their index, its response lists the tasks created. Each item's outcome is read from both, and
 * an item neither listed nor failed is never taken for created.
 */
import type { CloudTasksBetaClient } from '../contract/cloud-tasks-client.js';
import { CloudTasksError } from '../contract/errors.js';
import { isRpcCode, readGoogleApiError, RPC_CODE } from '../contract/google-errors.js';
import { queuePath } from '../contract/names.js';
import { timestampObject } from '../contract/proto-json.js';
import { retryConfigMessage } from '../contract/queue-settings.js';
import type { BatchCall, CreateTaskOutcome, CreateTaskRequest, DeleteTaskOutcome } from '../contract/transport.js';
import { toDeleteError, toEnqueueError } from './cloud-tasks-errors.js';

/** google.rpc.Status of a failed item, as the client decodes it. */
interface ItemStatus {
  code?: number;
  message?: string;
}

/** The Task message for a request; `retryConfig` only in v2beta3's (v2's client would drop it unseen). */
export function taskMessage(request: CreateTaskRequest) {
  const parent = queuePath(request);
  const { retry } = request;
  return {
    name: request.taskId ? `${parent}/tasks/${request.taskId}` : undefined,
    scheduleTime: request.scheduleTime ? timestampObject(request.scheduleTime.getTime()) : undefined,
    dispatchDeadline: request.dispatchDeadlineSeconds ? { seconds: request.dispatchDeadlineSeconds } : undefined,
    httpRequest: {
      url: request.url,
      httpMethod: 'POST' as const,
      headers: request.headers,
      // A Buffer (a view, not a copy): the REST client takes a string body as base64 already.
      body: Buffer.from(request.body.buffer, request.body.byteOffset, request.body.byteLength),
      oidcToken: request.oidcToken,
    },
    ...(retry && { retryConfig: retryConfigMessage(retry) }),
  };
}

/** The part of google-gax's LROperation read here (its type is not exported by @google-cloud/tasks). */
interface Operation {
  promise(): Promise<unknown[]>;
  latestResponse?: { done?: boolean | null; error?: ItemStatus | null; metadata?: { value?: Uint8Array | null } | null };
  longrunningDescriptor: { metadataDecoder?: (value: Uint8Array) => unknown };
}

/** What a finished batch operation says: its metadata's failed items, its response, or its error. */
async function settle(operation: Operation): Promise<{ failed: Map<number, ItemStatus>; response?: unknown; error?: ItemStatus }> {
  let response: unknown;
  try {
    [response] = await operation.promise();
  } catch (error) {
    // Rejected by the operation itself (done, with `error`): its metadata still names the failed items.
    if (!operation.latestResponse?.done) throw error;
  }
  const latest = operation.latestResponse ?? {};
  const raw = latest.metadata?.value;
  const decode = operation.longrunningDescriptor.metadataDecoder;
  const metadata = (raw?.length && decode ? decode(raw) : {}) as { failedRequests?: Record<string, ItemStatus> };
  const failed = new Map(Object.entries(metadata.failedRequests ?? {}).map(([index, status]) => [Number(index), status]));
  return latest.error ? { failed, error: latest.error } : { failed, response };
}

/**
 * A whole batch call refused or failed. UNIMPLEMENTED and NOT_FOUND (an endpoint without batches,
 * or a queue that does not exist) keep their codes: the caller then makes the tasks one by one,
 * which says which. A refused permission names the role; UNAVAILABLE is left for the retries.
 */
function batchError(error: unknown, method: string, parent: string, role: string): CloudTasksError {
  const google = readGoogleApiError(error);
  const known = [RPC_CODE.UNIMPLEMENTED, RPC_CODE.NOT_FOUND, RPC_CODE.PERMISSION_DENIED].find((code) => isRpcCode(google, code));
  const hint =
    known === RPC_CODE.PERMISSION_DENIED
      ? ` (PERMISSION_DENIED): the app's runtime service account needs ${role} on the queue`
      : known === RPC_CODE.UNIMPLEMENTED
        ? ' (UNIMPLEMENTED): this endpoint has no batches'
        : '';
  return new CloudTasksError(
    known ?? google.code,
    `Cloud Tasks could not run ${method} on ${parent}${hint}. Google said: ${google.message}`,
    {
      cause: error,
    },
  );
}

const unreported = (what: string) =>
  new CloudTasksError(
    RPC_CODE.UNKNOWN,
    `Cloud Tasks' answer to the batch neither listed ${what} as created nor as failed; it may not exist`,
  );

/** BatchCreateTasks of requests of one queue: one outcome per request, in order. */
export async function batchCreateTasks(
  client: CloudTasksBetaClient,
  requests: readonly CreateTaskRequest[],
  call: BatchCall,
): Promise<CreateTaskOutcome[]> {
  const parent = queuePath(requests[0]);
  let settled: Awaited<ReturnType<typeof settle>>;
  try {
    const [operation] = await client.batchCreateTasks({
      parent,
      requests: requests.map((request) => ({ parent, task: taskMessage(request) })),
      requestId: call.requestId,
    });
    settled = await settle(operation as unknown as Operation);
  } catch (error) {
    throw batchError(error, 'BatchCreateTasks', parent, 'roles/cloudtasks.enqueuer');
  }
  const { failed, response, error } = settled;
  // The whole operation failed: no item can be taken for created.
  if (error) return requests.map((request) => ({ error: toEnqueueError(error, request) }));
  const created = ((response as { tasks?: { name?: string | null }[] } | undefined)?.tasks ?? []).map((task) => task.name ?? '');
  const listed = new Set(created);
  // Unnamed tasks get Cloud Tasks' names: they are the listed tasks no request named, in request order.
  const named = new Set(requests.flatMap((request) => (request.taskId ? [`${parent}/tasks/${request.taskId}`] : [])));
  const picked = created.filter((name) => !named.has(name));
  let next = 0;
  return requests.map((request, index) => {
    const status = failed.get(index);
    if (status) return { error: toEnqueueError(status, request) };
    const name = request.taskId ? `${parent}/tasks/${request.taskId}` : picked[next++];
    return name && listed.has(name) ? { name } : { error: unreported(request.taskId ? name : `item ${index}`) };
  });
}

/** BatchDeleteTasks of names of one queue: one outcome per name, in order (NOT_FOUND: already gone). */
export async function batchDeleteTasks(
  client: CloudTasksBetaClient,
  parent: string,
  names: readonly string[],
  call: BatchCall,
): Promise<DeleteTaskOutcome[]> {
  let settled: Awaited<ReturnType<typeof settle>>;
  try {
    const [operation] = await client.batchDeleteTasks({ parent, names: [...names], requestId: call.requestId });
    settled = await settle(operation as unknown as Operation);
  } catch (error) {
    throw batchError(error, 'BatchDeleteTasks', parent, 'roles/cloudtasks.taskDeleter');
  }
  // When none was deleted the operation's error is ABORTED, and every name has its own status.
  const { failed } = settled;
  return names.map((name, index) => {
    const status = failed.get(index);
    if (!status) return settled.error ? { error: toDeleteError(settled.error, name) } : { deleted: true };
    return isRpcCode(readGoogleApiError(status), RPC_CODE.NOT_FOUND) ? { deleted: false } : { error: toDeleteError(status, name) };
  });
}
