/**
 * Cloud Tasks' errors on the enqueue path, as errors that say what to do: the role to grant, the
 * command that creates the queue. CreateTask and each failed item of a BatchCreateTasks read the
 * same way; so do DeleteTask and each name of a BatchDeleteTasks.
 */
import { CloudTasksError, TaskAlreadyExistsError } from '../contract/errors.js';
import { isRpcCode, readGoogleApiError, RPC_CODE } from '../contract/google-errors.js';
import { queuePath } from '../contract/names.js';
import type { CreateTaskRequest } from '../contract/transport.js';

/** A CreateTask error (or a batch item's google.rpc.Status) as one that names the fix. */
export function toEnqueueError(error: unknown, request: CreateTaskRequest): Error {
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
export function toDeleteError(error: unknown, name: string): Error {
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
