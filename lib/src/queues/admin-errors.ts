import { QueuesApiError } from './errors.js';

/** What the client's errors carry (google-gax 6: gRPC `code`, HTTP `httpStatusCode`, `reason`). */
interface GaxLikeError {
  code?: number | string;
  httpStatusCode?: number;
  reason?: string;
  message?: string;
}

export interface ApiErrorContext {
  operation: string;
  project: string;
  location: string;
  /** Where the calls go, for "cannot reach" messages. */
  endpoint: string;
}

/** gRPC codes used below (google.rpc.Code). */
const CODE = { NOT_FOUND: 5, ALREADY_EXISTS: 6, PERMISSION_DENIED: 7, RESOURCE_EXHAUSTED: 8, FAILED_PRECONDITION: 9, UNAVAILABLE: 14, UNAUTHENTICATED: 16, INVALID_ARGUMENT: 3 };

export function isRateLimited(err: unknown): boolean {
  const e = err as GaxLikeError;
  return e?.code === CODE.RESOURCE_EXHAUSTED || e?.httpStatusCode === 429;
}

/** Turns a client error into a QueuesApiError that names the cause and what to do about it. */
export function toQueuesApiError(err: unknown, ctx: ApiErrorContext): QueuesApiError {
  const e = (err ?? {}) as GaxLikeError;
  const code = typeof e.code === 'number' ? e.code : undefined;
  const status = e.httpStatusCode;
  const detail = String(e.message ?? err).split('\n')[0];
  const is = (grpc: number, http: number) => code === grpc || status === http;
  const where = `project ${ctx.project}, location ${ctx.location}`;
  let hint = '';
  if (e.reason === 'SERVICE_DISABLED' || /has not been used|is disabled/i.test(detail)) {
    hint = `The Cloud Tasks API is not enabled in ${ctx.project}: gcloud services enable cloudtasks.googleapis.com --project ${ctx.project}`;
  } else if (is(CODE.PERMISSION_DENIED, 403)) {
    hint = `Permission denied (${where}): grant the deploying account roles/cloudtasks.queueAdmin on the project (see docs/queues-ci.md); for plan/check alone, roles/cloudtasks.viewer is enough.`;
  } else if (is(CODE.UNAUTHENTICATED, 401) || /default credentials/i.test(detail)) {
    hint = 'No valid Application Default Credentials: locally run `gcloud auth application-default login`; in GitHub Actions run google-github-actions/auth before this step.';
  } else if (is(CODE.RESOURCE_EXHAUSTED, 429)) {
    hint = 'Cloud Tasks rate-limited the queue admin calls (HTTP 429) and retrying did not help: wait a minute and run again (apply is idempotent), or ask for more "Queue management requests" quota.';
  } else if (is(CODE.NOT_FOUND, 404)) {
    hint = `Not found (${where}): check --project / GOOGLE_CLOUD_PROJECT and --location / CLOUD_TASKS_LOCATION (a Cloud Tasks region such as us-central1: gcloud tasks locations list).`;
  } else if (is(CODE.ALREADY_EXISTS, 409)) {
    hint = 'The queue exists, or was deleted less than 7 days ago (Cloud Tasks keeps a deleted queue\'s name for 7 days): pick another name or wait.';
  } else if (is(CODE.INVALID_ARGUMENT, 400)) {
    hint = 'Cloud Tasks refused a setting: check this queue\'s entry in queue.yaml (npm run queues -- validate).';
  } else if (code === CODE.UNAVAILABLE || /ECONNREFUSED|ENOTFOUND|fetch failed/i.test(detail)) {
    hint = `Cannot reach Cloud Tasks at ${ctx.endpoint}: check the network, or that the emulator runs when CLOUD_TASKS_EMULATOR_HOST is set.`;
  }
  return new QueuesApiError(ctx.operation, code, status, hint, detail, { cause: err });
}
