import { isRpcCode, readGoogleApiError, RPC_CODE } from '../contract/google-errors.js';
import { QueuesApiError } from './errors.js';

export interface ApiErrorContext {
  operation: string;
  project: string;
  location: string;
  /** Where the calls go, for "cannot reach" messages. */
  endpoint: string;
}

export function isRateLimited(err: unknown): boolean {
  return isRpcCode(readGoogleApiError(err), RPC_CODE.RESOURCE_EXHAUSTED);
}

/** Turns a client error into a QueuesApiError that names the cause and what to do about it. */
export function toQueuesApiError(err: unknown, ctx: ApiErrorContext): QueuesApiError {
  const google = readGoogleApiError(err);
  const { code, httpStatus: status, message: detail } = google;
  const is = (rpc: number) => isRpcCode(google, rpc);
  const where = `project ${ctx.project}, location ${ctx.location}`;
  let hint = '';
  if (google.reason === 'SERVICE_DISABLED' || /has not been used|is disabled/i.test(detail)) {
    hint = `The Cloud Tasks API is not enabled in ${ctx.project}: gcloud services enable cloudtasks.googleapis.com --project ${ctx.project}`;
  } else if (is(RPC_CODE.PERMISSION_DENIED)) {
    hint = `Permission denied (${where}): grant the deploying account roles/cloudtasks.queueAdmin on the project (see node_modules/next-cloud-tasks/docs/queues-ci.md); for plan/check alone, roles/cloudtasks.viewer is enough.`;
  } else if (is(RPC_CODE.UNAUTHENTICATED) || /default credentials/i.test(detail)) {
    hint =
      'No valid Application Default Credentials: locally run `gcloud auth application-default login`; in GitHub Actions run google-github-actions/auth before this step.';
  } else if (is(RPC_CODE.RESOURCE_EXHAUSTED)) {
    hint =
      'Cloud Tasks rate-limited the queue admin calls (HTTP 429) and retrying did not help: wait a minute and run again (apply is idempotent), or ask for more "Queue management requests" quota.';
  } else if (is(RPC_CODE.NOT_FOUND)) {
    hint = `Not found (${where}): check --project / GOOGLE_CLOUD_PROJECT and --location / CLOUD_TASKS_LOCATION (a Cloud Tasks region such as us-central1: gcloud tasks locations list).`;
  } else if (is(RPC_CODE.ALREADY_EXISTS)) {
    hint =
      "The queue exists, or was deleted less than 7 days ago (Cloud Tasks keeps a deleted queue's name for 7 days): pick another name or wait.";
  } else if (is(RPC_CODE.INVALID_ARGUMENT)) {
    hint = "Cloud Tasks refused a setting: check this queue's entry in queue.yaml (npx next-cloud-tasks queues validate).";
  } else if (code === RPC_CODE.UNAVAILABLE || /ECONNREFUSED|ENOTFOUND|fetch failed/i.test(detail)) {
    hint = `Cannot reach Cloud Tasks at ${ctx.endpoint}: check the network, or that the emulator runs when CLOUD_TASKS_EMULATOR_HOST is set.`;
  }
  return new QueuesApiError(ctx.operation, code, status, hint, detail, { cause: err });
}
