import { RPC_CODE } from '../contract/google-errors.js';
import { CronApiError } from './errors.js';

interface GaxLikeError {
  code?: number | string;
  httpStatusCode?: number;
  reason?: string;
  message?: string;
}

export interface CronApiErrorContext {
  operation: string;
  project: string;
  location: string;
  endpoint: string;
  /** The service account the jobs' OIDC tokens are for: creating such a job needs actAs on it. */
  serviceAccountEmail?: string;
}

export function isSchedulerRateLimited(err: unknown): boolean {
  const e = err as GaxLikeError;
  return e?.code === RPC_CODE.RESOURCE_EXHAUSTED || e?.httpStatusCode === 429;
}

/** Turns a client error into a CronApiError that names the cause and what to do, IAM roles included. */
export function toCronApiError(err: unknown, ctx: CronApiErrorContext): CronApiError {
  const e = (err ?? {}) as GaxLikeError;
  const code = typeof e.code === 'number' ? e.code : undefined;
  const status = e.httpStatusCode;
  const detail = String(e.message ?? err).split('\n')[0];
  const is = (grpc: number, http: number) => code === grpc || status === http;
  const where = `project ${ctx.project}, location ${ctx.location}`;
  const account = ctx.serviceAccountEmail ?? "the jobs' service account";
  let hint = '';
  if (e.reason === 'SERVICE_DISABLED' || /has not been used|is disabled/i.test(detail)) {
    hint = `The Cloud Scheduler API is not enabled in ${ctx.project}: gcloud services enable cloudscheduler.googleapis.com --project ${ctx.project}`;
  } else if (is(RPC_CODE.PERMISSION_DENIED, 403)) {
    hint = /actAs|serviceAccounts/i.test(detail)
      ? `Permission denied: a job whose runs carry ${account}'s OIDC token can only be created or changed by an account with iam.serviceAccounts.actAs on it: grant the deploying account roles/iam.serviceAccountUser on ${account} (see node_modules/next-cloud-tasks/docs/cron.md).`
      : `Permission denied (${where}): grant the deploying account roles/cloudscheduler.admin on the project, and roles/iam.serviceAccountUser on ${account} (its jobs carry that account's token); for plan/check alone, roles/cloudscheduler.viewer is enough (see node_modules/next-cloud-tasks/docs/cron.md).`;
  } else if (is(RPC_CODE.UNAUTHENTICATED, 401) || /default credentials/i.test(detail)) {
    hint =
      'No valid Application Default Credentials: locally run `gcloud auth application-default login`; in GitHub Actions run google-github-actions/auth before this step.';
  } else if (is(RPC_CODE.RESOURCE_EXHAUSTED, 429)) {
    hint =
      'Cloud Scheduler rate-limited the calls (HTTP 429) and retrying did not help: wait a minute and run again (apply is idempotent).';
  } else if (is(RPC_CODE.NOT_FOUND, 404)) {
    hint = `Not found (${where}): check --project / GOOGLE_CLOUD_PROJECT and --location / CLOUD_SCHEDULER_LOCATION (a Cloud Scheduler region such as us-central1).`;
  } else if (is(RPC_CODE.ALREADY_EXISTS, 409)) {
    hint = 'The job exists already (made since the plan was read): run apply again.';
  } else if (is(RPC_CODE.INVALID_ARGUMENT, 400)) {
    hint = "Cloud Scheduler refused a setting: check this job's entry in cron.yaml (next-cloud-tasks cron validate).";
  } else if (code === RPC_CODE.UNAVAILABLE || /ECONNREFUSED|ENOTFOUND|fetch failed/i.test(detail)) {
    hint = `Cannot reach Cloud Scheduler at ${ctx.endpoint}: check the network.`;
  }
  return new CronApiError(ctx.operation, code, status, hint, detail, { cause: err });
}
